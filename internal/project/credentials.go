package project

import (
	"slices"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/dockerfile"
)

// withoutPasswords drops the registry password variables from the env
// files' variables an image may get as build args.
func withoutPasswords(cfg *config.Config) []string {
	secret := cfg.PasswordVars()
	return slices.DeleteFunc(slices.Clone(cfg.Env.Keys), func(k string) bool { return slices.Contains(secret, k) })
}

// refusePasswordArgs fails an image whose Dockerfile declares, as an ARG, a
// variable that holds a registry password: the build arg would carry the
// password into the image's history and config, the plan and the state.
func refusePasswordArgs(im *Image, data []byte, f *dockerfile.File, cfg *config.Config) error {
	for _, v := range cfg.PasswordVars() {
		if f.Declares(v) {
			return &config.Problem{File: im.Dockerfile, Line: dockerfile.ArgLine(data, v),
				Msg: "ARG " + v + ": " + v + " holds a registry password (password_env); " + config.SecretHint(v)}
		}
	}
	return nil
}
