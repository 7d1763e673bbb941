// Package procs ends processes that may fork as they are killed: the hooks
// a run left behind (workspace) and what a RUN step left running in a
// working container (engine/embedded). It imports nothing of dockyard's,
// so that the engines may use it.
package procs
