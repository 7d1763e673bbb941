package cli

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdRegistry runs real registries (Debian's docker-registry) for the
// scripts, each on a free 127.0.0.1 port with its own storage under the
// script's work directory:
//
//	registry start NAME [USER PASSWORD]  start one, htpasswd-protected when
//	                                     USER is given; $NAME is its host:port
//	registry stop NAME                   stop it
//	registry stop-on-upload NAME         stop it as soon as a blob upload
//	                                     starts (for a push in the background)
//	registry restart NAME                start it again, same port and storage
//	registry uploads NAME                print how many blobs were uploaded
//	                                     and mounted since the last call
//
// A script's registries stop when it ends.
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: registry start|stop|stop-on-upload|restart|uploads NAME [USER PASSWORD]")
	}
	dir := ts.MkAbs(args[1])
	switch args[0] {
	case "start":
		if _, err := exec.LookPath("docker-registry"); err != nil {
			ts.Fatalf("docker-registry is not installed (apt-get install docker-registry apache2-utils)")
		}
		ts.Check(os.MkdirAll(filepath.Join(dir, "storage"), 0o755))
		auth := ""
		if len(args) == 4 {
			htpasswd := exec.Command("htpasswd", "-Bin", args[2])
			htpasswd.Stdin = strings.NewReader(args[3])
			out, err := htpasswd.Output()
			ts.Check(err)
			ts.Check(os.WriteFile(filepath.Join(dir, "htpasswd"), out, 0o600))
			auth = fmt.Sprintf("auth:\n  htpasswd: {realm: dockyard-test, path: %s}\n", filepath.Join(dir, "htpasswd"))
		}
		addr := freeAddr(ts)
		cfg := fmt.Sprintf("version: 0.1\nlog: {level: info}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: %s\n%s",
			filepath.Join(dir, "storage"), addr, auth)
		ts.Check(os.WriteFile(filepath.Join(dir, "config.yml"), []byte(cfg), 0o644))
		ts.Setenv(args[1], addr)
		startRegistry(ts, dir, addr)
	case "restart":
		startRegistry(ts, dir, ts.Getenv(args[1]))
	case "stop":
		stopRegistry(ts, dir, ts.Getenv(args[1]))
	case "stop-on-upload":
		uploads := filepath.Join(dir, "storage", "docker", "registry", "v2", "repositories")
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
			if found, _ := filepath.Glob(filepath.Join(uploads, "*", "*", "_uploads", "*")); len(found) > 0 {
				stopRegistry(ts, dir, ts.Getenv(args[1]))
				return
			}
		}
		ts.Fatalf("no upload started within 2 minutes")
	case "uploads":
		countUploads(ts, dir)
	default:
		ts.Fatalf("unknown registry command %q", args[0])
	}
}

func freeAddr(ts *testscript.TestScript) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	defer l.Close()
	return l.Addr().String()
}

// startRegistry starts the registry whose config.yml is in dir and waits
// until it answers.
func startRegistry(ts *testscript.TestScript, dir, addr string) {
	log, err := os.OpenFile(filepath.Join(dir, "registry.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	ts.Check(err)
	cmd := exec.Command("docker-registry", "serve", filepath.Join(dir, "config.yml"))
	cmd.Stdout, cmd.Stderr = log, log
	ts.Check(cmd.Start())
	ts.Check(os.WriteFile(filepath.Join(dir, "pid"), []byte(fmt.Sprint(cmd.Process.Pid)), 0o644))
	ts.Defer(func() {
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
	})
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			return
		}
	}
	ts.Fatalf("registry at %s did not answer within 20s; see %s", addr, log.Name())
}

// stopRegistry kills the registry this script started in dir.
func stopRegistry(ts *testscript.TestScript, dir, addr string) {
	data, err := os.ReadFile(filepath.Join(dir, "pid"))
	ts.Check(err)
	var pid int
	fmt.Sscan(string(data), &pid)
	p, err := os.FindProcess(pid)
	ts.Check(err)
	ts.Check(p.Kill())
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return
		}
		conn.Close()
	}
	ts.Fatalf("registry %s still answers", dir)
}

var (
	uploadRE = regexp.MustCompile(`"PATCH /v2/\S+/blobs/uploads/`)
	mountRE  = regexp.MustCompile(`"POST /v2/\S+/blobs/uploads/\?\S*mount=\S* HTTP/1.1" 201 `)
)

// countUploads prints how many blob uploads and mounts the registry's log
// shows since the last count.
func countUploads(ts *testscript.TestScript, dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "registry.log"))
	ts.Check(err)
	mark := filepath.Join(dir, "counted")
	seen := 0
	if b, err := os.ReadFile(mark); err == nil {
		fmt.Sscan(string(b), &seen)
	}
	ts.Check(os.WriteFile(mark, []byte(fmt.Sprint(len(data))), 0o644))
	log := string(data[seen:])
	fmt.Fprintf(ts.Stdout(), "%d uploads, %d mounts\n", len(uploadRE.FindAllString(log, -1)), len(mountRE.FindAllString(log, -1)))
}
