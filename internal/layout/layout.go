// Package layout names what dockyard keeps in its own folder, .dockyard
// under the repository root: every path here is root-relative and
// slash-separated. It imports nothing, so that every package can use it.
package layout

// Dir is dockyard's own folder under the repository root.
const Dir = ".dockyard"

// What dockyard keeps in Dir.
const (
	// Lock is the repository lock; LockHeld says which run holds it.
	Lock     = Dir + "/lock"
	LockHeld = Dir + "/lock.held"
	// Journal records every path a run creates in the source tree.
	Journal = Dir + "/journal"
	// Tmp holds a run's scratch files, such as pinned Dockerfiles.
	Tmp = Dir + "/tmp"
	// Logs holds each task's log and the crash logs.
	Logs = Dir + "/logs"
	// State is the state database; StatCache the stat cache of inputs;
	// ParseCache the parsed Dockerfiles.
	State      = Dir + "/state.db"
	StatCache  = Dir + "/statcache"
	ParseCache = Dir + "/parsecache"
	// Artifacts keeps each component's generated files, by component.
	Artifacts = Dir + "/artifacts"
	// Rendered holds pai 1's rendered templates, by image.
	Rendered = Dir + "/rendered"
)

// ArtifactsOf is where a component's generated files are kept.
func ArtifactsOf(component string) string { return Artifacts + "/" + component }
