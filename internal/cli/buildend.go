package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/run"
)

// How a build ends: the workspace cleaned, failures shown, results on
// stdout, the report written, the run's error made the command's.

// finish ends a run: the workspace cleaned, each failure shown once, the
// summary, the results on stdout and the report written.
func (opts *buildOptions) finish(ctx context.Context, r *run.Runner, runErr error) error {
	if len(r.Failures) > 0 && ctx.Err() == nil {
		// Each failure was shown in full: the error only names them.
		runErr = buildFailed(r.Failures, runErr)
	}
	if cerr := r.Workspace.Close(); cerr != nil {
		runErr = errors.Join(runErr, fmt.Errorf("cleaning up: %w", cerr))
	}
	rep, prog := r.Report, r.Progress
	rep.Finish(time.Now(), runStatus(ctx, runErr), runErr)
	showFailures(r.Failures, prog)
	if pr := r.Pruned; len(pr.Images)+pr.Blobs > 0 {
		prog.Message("pruned the image store: %d older %s, %d blobs (%s)", len(pr.Images), plural(len(pr.Images), "image"), pr.Blobs, humanSize(pr.Bytes))
	}
	prog.Summary(summary(rep))
	prog.Close()
	showResults(opts, rep)
	return finishReport(ctx, opts, rep, runErr, engine.UnconfirmedStops(r.Engine))
}

// runStatus is the run's status in the report.
func runStatus(ctx context.Context, runErr error) string {
	switch {
	case ctx.Err() != nil:
		return "interrupted"
	case runErr != nil:
		return "failed"
	}
	return "succeeded"
}

// summary is the progress view's last line: the images by status.
func summary(rep *report.Report) progress.Summary {
	t := rep.Totals
	return progress.Summary{Images: t.Images, Built: t.Built, UpToDate: t.UpToDate, Failed: t.Failed,
		Skipped: t.Skipped, Canceled: t.Canceled, Seconds: rep.Seconds}
}

// finishReport writes the report, also when the run failed, and turns the
// run's error into the command's.
func finishReport(ctx context.Context, opts *buildOptions, rep *report.Report, runErr, stopErr error) error {
	for _, path := range []string{opts.report, opts.metadata} {
		if path == "" {
			continue
		}
		if err := rep.WriteFile(path); err != nil {
			return errors.Join(runErr, err)
		}
	}
	var conflict *run.ConflictError
	var missing *run.MissingContextError
	switch {
	case ctx.Err() != nil && stopErr != nil:
		return fmt.Errorf("interrupted; %w", stopErr)
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted; the source tree is as it was")
	case errors.As(runErr, &missing):
		return &hintError{&usageError{failed(runErr)},
			"make the context or copy source first (run the script that fills it), then build again"}
	case errors.As(runErr, &conflict), errors.As(runErr, new(*inputs.IgnoreFileError)):
		return &usageError{runErr}
	case runErr != nil:
		return failed(errors.Join(runErr, stopErr))
	}
	return nil
}

// failed says the build failed, once.
func failed(err error) error {
	if errors.As(err, new(*failedError)) {
		return err
	}
	return fmt.Errorf("build failed: %w", err)
}

// showResults prints what each image became: its status, short ID (as
// docker images shows it; the report has the whole one) and refs.
func showResults(opts *buildOptions, rep *report.Report) {
	tw := tabwriter.NewWriter(opts.stdout, 0, 0, 2, ' ', 0)
	for _, im := range rep.Images {
		id := strings.TrimPrefix(im.ID, "sha256:")
		if len(id) > 12 {
			id = id[:12]
		}
		if id == "" {
			id = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", im.Name, im.Status, id, strings.Join(im.Refs, ","))
		for _, p := range im.Platforms {
			// No tabs: the digests do not widen the table's columns.
			fmt.Fprintf(tw, "  %s %s %s\n", p.Platform, p.Status, cmp.Or(p.ID, "-"))
		}
	}
	tw.Flush()
}
