package testenv

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// BuildKitAddress is the buildkitd the tests use: $BUILDKIT_HOST, else
// the socket scripts/buildkitd.sh starts it on.
func BuildKitAddress() string {
	if a := os.Getenv("BUILDKIT_HOST"); a != "" {
		return a
	}
	return "unix:///run/buildkit/buildkitd.sock"
}

// NeedBuildKit skips (or, in CI, fails) the test unless buildkitd
// accepts connections at BuildKitAddress, and returns that address.
func NeedBuildKit(t testing.TB) string {
	t.Helper()
	addr := BuildKitAddress()
	if err := BuildKitAnswers(addr); err != nil {
		Missing(t, "%v", err)
	}
	return addr
}

// BuildKitAnswers returns an error unless something listens at addr
// (unix:// or tcp://).
func BuildKitAnswers(addr string) error {
	network, target, ok := strings.Cut(addr, "://")
	if !ok || (network != "unix" && network != "tcp") {
		return fmt.Errorf("buildkitd address %q: want unix:// or tcp://", addr)
	}
	conn, err := net.DialTimeout(network, target, 5*time.Second)
	if err != nil {
		return fmt.Errorf("no buildkitd answers at %s (run scripts/buildkitd.sh): %v", addr, err)
	}
	return conn.Close()
}
