package config

import "strings"

// Registry says where images go and how they are named there.
type Registry struct {
	// Domain is the registry host; "" or "public" means Docker Hub's short form.
	Domain string `yaml:"domain"`
	// Namespace is the path under the domain.
	Namespace string `yaml:"namespace"`
	// Tag is the tag every image gets unless it declares its own.
	Tag string `yaml:"tag"`
	// Username is the registry user, or UsernameEnv names a variable holding it.
	Username    string `yaml:"username"`
	UsernameEnv string `yaml:"username_env"`
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`

	// Password comes only from pai's configuration, which keeps it inline.
	Password Secret `yaml:"-"`
}

// Credentials returns the user and password the settings give: username
// (or the variable username_env names) with the variable password_env
// names, else pai's inline password. from says where the password comes
// from, for messages; it is "" when the settings give none.
func (r Registry) Credentials(lookup func(string) (string, bool)) (user string, password Secret, from string) {
	user = r.Username
	if r.UsernameEnv != "" {
		user, _ = lookup(r.UsernameEnv)
	}
	if r.PasswordEnv != "" {
		if v, ok := lookup(r.PasswordEnv); ok && v != "" {
			return user, Secret(v), "$" + r.PasswordEnv
		}
	}
	if r.Password != "" {
		return user, r.Password, "pai's " + PaiFileName
	}
	return "", "", ""
}

// Configured reports whether images get registry references at all.
func (r Registry) Configured() bool {
	return r.Namespace != "" || r.host() != ""
}

func (r Registry) host() string {
	if r.Domain == "public" {
		return ""
	}
	return r.Domain
}

// Ref names an image in the registry: [domain/]namespace/name:tag. An entry
// of an image's tags that is a whole reference already is used as it is.
func (r Registry) Ref(name, tag string) string {
	if IsWholeRef(tag) {
		return tag
	}
	var parts []string
	for _, p := range []string{r.host(), r.Namespace, name} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/") + ":" + tag
}

// Prefix is the registry and namespace part of references, for messages.
func (r Registry) Prefix() string {
	return strings.TrimSuffix(strings.TrimSuffix(r.Ref("", r.Tag), ":"+r.Tag), "/")
}

// Lookup finds a variable in the environment, then in the .env files.
func (c *Config) Lookup(name string) (string, bool) { return c.lookup(name) }

// IsWholeRef reports whether an entry of an image's tags is a whole
// reference rather than a tag: it holds a "/" (federatedai/base-image:1.0)
// or a ":" (fate:latest), which no tag does.
func IsWholeRef(tag string) bool { return strings.ContainsAny(tag, "/:") }
