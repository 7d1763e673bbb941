package config

import "regexp"

var variantRE = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)

// ValidImageName reports whether name can name an image: lower case
// letters and digits, in groups joined by one ".", "_" or "-". Docker's
// repository names allow these; dockyard.yaml, component Dockerfiles and
// image folders all follow the one rule.
func ValidImageName(name string) bool { return nameRE.MatchString(name) }

// ValidVariant reports whether v can name a variant: lower case letters
// and digits, in groups joined by one "_" or "-" (a "." would start
// another variant).
func ValidVariant(v string) bool { return variantRE.MatchString(v) }
