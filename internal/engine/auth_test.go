package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
)

// hostKeys gives credentials by registry host, as the docker config does.
type hostKeys map[string]authn.AuthConfig

func (k hostKeys) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if c, ok := k[r.RegistryStr()]; ok {
		return authn.FromConfig(c), nil
	}
	return authn.Anonymous, nil
}

func TestBaseCredentials(t *testing.T) {
	keys := hostKeys{
		"127.0.0.1:5000":  {Username: "ci", Password: "pw"},
		DockerHub:         {IdentityToken: "tok"},
		"other.example:1": {Username: "never", Password: "asked"},
	}
	req := Request{
		Bases: []string{"127.0.0.1:5000/base/a:1", "127.0.0.1:5000/base/b@sha256:" + sixtyFour, "busybox", "quay.io/x/y:2", "Not A Ref"},
		Auth:  keys,
	}
	got, err := req.BaseCredentials()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]authn.AuthConfig{
		"127.0.0.1:5000": {Username: "ci", Password: "pw"},
		DockerHub:        {IdentityToken: "tok"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BaseCredentials (-want +got):\n%s", diff)
	}
	if got, err := (Request{Bases: req.Bases}).BaseCredentials(); err != nil || len(got) != 0 {
		t.Errorf("without Auth: %v, %v; want none", got, err)
	}
}

const sixtyFour = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
