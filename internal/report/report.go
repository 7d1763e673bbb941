// Package report is the machine-readable record of a build run: what
// happened to each image, how long each phase took, and the run's totals.
package report

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// SchemaVersion is the version of the report's JSON form.
const SchemaVersion = 1

// Statuses an image can end in.
const (
	Built    = "built"
	UpToDate = "up-to-date"
	Failed   = "failed"
	Skipped  = "skipped"
	Canceled = "canceled"
)

// How a component's steps (dependency copies, hooks) went, in an image's
// Hooks.
const (
	HooksRan     = "ran"
	HooksSkipped = "skipped"
)

// Report is one run.
type Report struct {
	SchemaVersion int       `json:"schemaVersion"`
	Root          string    `json:"root"`
	Engine        string    `json:"engine"`
	EngineReason  string    `json:"engineReason,omitempty"`
	Started       time.Time `json:"started"`
	Seconds       float64   `json:"seconds"`
	// Status is "succeeded", "failed" or "interrupted".
	Status string  `json:"status"`
	Error  string  `json:"error,omitempty"`
	Totals Totals  `json:"totals"`
	Images []Image `json:"images"`

	mu sync.Mutex
}

// Totals counts images by status.
type Totals struct {
	Images   int `json:"images"`
	Built    int `json:"built"`
	UpToDate int `json:"upToDate"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	Canceled int `json:"canceled"`
}

// Image is what happened to one image.
type Image struct {
	Name      string   `json:"name"`
	Component string   `json:"component,omitempty"`
	Refs      []string `json:"refs"`
	ID        string   `json:"id,omitempty"`
	InputKey  string   `json:"inputKey,omitempty"`
	Size      int64    `json:"size,omitempty"`
	Status    string   `json:"status"`
	Reason    string   `json:"reason,omitempty"`
	Engine    string   `json:"engine"`
	Platform  string   `json:"platform,omitempty"`
	// Hooks says whether the component's copies and hooks ran ("ran") or
	// were skipped because their inputs did not change ("skipped").
	Hooks string `json:"hooks,omitempty"`
	// Phases holds seconds per phase: "dependencies", "pre-hook", "inputs"
	// (taking the input key), "build", "post-hook"; the component's phases
	// are counted on each of its images.
	Phases map[string]float64 `json:"phases"`
	Log    string             `json:"log,omitempty"`
	// Pushed are the references build --push pushed, each REF@DIGEST.
	Pushed []string `json:"pushed,omitempty"`
	// Attempts are the tries of the image's builds on a pool's workers,
	// in order, each platform's with its platform.
	Attempts []Attempt `json:"attempts,omitempty"`
	// Platforms are the builds of a multi-platform image, one per
	// platform; the image's ID is then the first platform's.
	Platforms []PlatformImage `json:"platforms,omitempty"`
}

// Attempt is one try of a build on a worker of a pool.
type Attempt struct {
	Worker   string `json:"worker"`
	Platform string `json:"platform,omitempty"`
	// Error is why the try failed, e.g. the worker was lost.
	Error string `json:"error,omitempty"`
}

// PlatformImage is what one platform's build of an image became.
type PlatformImage struct {
	Platform string `json:"platform"`
	ID       string `json:"id,omitempty"`
	InputKey string `json:"inputKey,omitempty"`
	Size     int64  `json:"size,omitempty"`
	Status   string `json:"status"`
}

// New starts a report for a run of the given images, all canceled until
// they are known better.
func New(root, engine string, started time.Time, images []Image) *Report {
	for i := range images {
		images[i].Status, images[i].Engine = Canceled, engine
		if images[i].Phases == nil {
			images[i].Phases = map[string]float64{}
		}
	}
	return &Report{SchemaVersion: SchemaVersion, Root: root, Engine: engine, Started: started, Images: images}
}

// Update changes the image of that name under the report's lock.
func (r *Report) Update(name string, f func(*Image)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.Images {
		if r.Images[i].Name == name {
			f(&r.Images[i])
			return
		}
	}
}

// Finish sets the run's status and totals.
func (r *Report) Finish(now time.Time, status string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Seconds = round(now.Sub(r.Started).Seconds())
	r.Status = status
	if err != nil {
		r.Error = err.Error()
	}
	r.Totals = Totals{Images: len(r.Images)}
	for _, im := range r.Images {
		switch im.Status {
		case Built:
			r.Totals.Built++
		case UpToDate:
			r.Totals.UpToDate++
		case Failed:
			r.Totals.Failed++
		case Skipped:
			r.Totals.Skipped++
		case Canceled:
			r.Totals.Canceled++
		}
	}
}

// WriteFile writes the report atomically: a reader sees the old file or
// the whole new one, never a part.
func (r *Report) WriteFile(path string) error {
	r.mu.Lock()
	data, err := json.MarshalIndent(r, "", "  ")
	r.mu.Unlock()
	if err != nil {
		return err
	}
	// Made as any new file of the user's (0666 less the umask).
	if err := writeFile(path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// Seconds rounds a duration to milliseconds, as reports show it.
func Seconds(d time.Duration) float64 { return round(d.Seconds()) }

func round(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }

// PlatformOf returns the entry of one platform's build, adding it when
// the image has none yet.
func (im *Image) PlatformOf(platform string) *PlatformImage {
	for i := range im.Platforms {
		if im.Platforms[i].Platform == platform {
			return &im.Platforms[i]
		}
	}
	im.Platforms = append(im.Platforms, PlatformImage{Platform: platform})
	return &im.Platforms[len(im.Platforms)-1]
}
