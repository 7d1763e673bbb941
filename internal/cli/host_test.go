package cli

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rogpeppe/go-internal/testscript"
)

// hosts counts the test hosts this process made, for their names and
// subnets.
var hosts atomic.Int32

// made lists the namespaces this process made, for removeHosts.
var made sync.Map

// removeHosts removes the namespaces of test hosts that are still there:
// a script that failed may not have run its deferred removals.
func removeHosts() {
	made.Range(func(ns, _ any) bool {
		exec.Command("ip", "netns", "del", ns.(string)).Run()
		return true
	})
}

// cmdHost makes a test host: a network namespace joined to this machine by
// a veth pair, so that a daemon started in it (ip netns exec) is reached at
// an address of its own and can be cut off by taking its link down.
//
//	host NAME
//
// sets NAME_NS (the namespace), NAME_IP (the host's address), NAME_LINK
// (this machine's end of the link); the namespace and link are removed
// when the script ends.
func cmdHost(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: host NAME")
	}
	n := int(hosts.Add(1))
	// Subnets 10.211.X.0/24 of this process: concurrent test binaries on
	// one machine pick others.
	subnet := fmt.Sprintf("10.211.%d", (os.Getpid()*7+n)%250+2)
	id := fmt.Sprintf("%d%d", os.Getpid()%100000, n)
	ns, link, peer := "dy-"+id, "dyh"+id, "dyn"+id
	run := func(cmd ...string) {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			ts.Fatalf("%s: %v: %s", strings.Join(cmd, " "), err, out)
		}
	}
	run("ip", "netns", "add", ns)
	made.Store(ns, true)
	ts.Defer(func() { exec.Command("ip", "netns", "del", ns).Run() })
	run("ip", "link", "add", link, "type", "veth", "peer", "name", peer)
	ts.Defer(func() { exec.Command("ip", "link", "del", link).Run() })
	run("ip", "link", "set", peer, "netns", ns)
	run("ip", "addr", "add", subnet+".1/24", "dev", link)
	run("ip", "link", "set", link, "up")
	run("ip", "netns", "exec", ns, "ip", "addr", "add", subnet+".2/24", "dev", peer)
	run("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up")
	run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
	name := strings.ToUpper(args[0])
	ts.Setenv(name+"_NS", ns)
	ts.Setenv(name+"_IP", subnet+".2")
	ts.Setenv(name+"_LINK", link)
}
