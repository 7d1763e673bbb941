package config

import "strings"

// Lines splits an error made of joined problems into one message per line.
func Lines(err error) []string {
	return strings.Split(err.Error(), "\n")
}
