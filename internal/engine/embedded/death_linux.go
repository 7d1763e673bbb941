package embedded

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// parentDeathSignal is what the kernel sends a worker when the engine's
// process dies, even by SIGKILL. The worker catches it (endWithEngine):
// killed outright, it could not end the processes its RUN steps left,
// which would run on, chrooted, with no one to end them.
const parentDeathSignal = syscall.SIGTERM

// endWithEngine makes the worker, on parentDeathSignal, kill every process
// under it (as a subreaper it holds the orphans of RUN steps too), then
// exit.
func endWithEngine() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, parentDeathSignal)
	go func() {
		<-sig
		killDescendants(os.Getpid(), time.Now().Add(killAllFor))
		os.Exit(1)
	}()
}
