// Package cli holds golive's subcommands and is the one place that wires
// adapters to the core.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/checklist"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// errUsage marks an error as a usage mistake (exit 2).
var errUsage = errors.New("usage")

type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the GitHub App: webhooks, worker, metrics", runServe},
		{"demo", "play a release against a fake GitHub, with nothing installed", runDemo},
		{"reconcile", "rebuild releases from GitHub: golive reconcile [OWNER/REPO#PR…]", runReconcile},
		{"requeue", "list dead letters and put them back on the queue", runRequeue},
		{"protect", "require golive/readiness on a branch: golive protect OWNER/REPO", runProtect},
		{"validate", "check config files: golive validate FILE…", runValidate},
		{"render", "print the tracking issue or the checklist model", runRender},
		{"verify", "check decision receipts: golive verify --key PUB FILE|URL…", runVerify},
		{"audit", "list a repository's decision receipts: golive audit OWNER/REPO", runAudit},
		{"simulate", "replay recorded releases under a new config: golive simulate --config NEW.yml --key PUB OWNER/REPO [--last N | PR…]", runSimulate},
		{"version", "print the version", runVersion},
	}
}

// Run runs golive with the arguments after the program name and returns
// the process exit code.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout) // asked for: stdout, so it pages and greps
		return exitOK
	case "-version", "--version", "-v":
		return Run(ctx, []string{"version"}, getenv, stdin, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(e, args[1:])
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "golive %s: %v\n", c.name, err)
			return exitUsage
		case errors.Is(err, errReported):
			return exitFailure
		default:
			fmt.Fprintf(stderr, "golive %s: %v\n", c.name, err)
			return exitFailure
		}
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if near := closest(args[0], names); near != "" {
		fmt.Fprintf(stderr, "golive: unknown command %q; did you mean %q?\n", args[0], near)
		return exitUsage
	}
	fmt.Fprintf(stderr, "golive: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

// errReported means the command already printed what went wrong.
var errReported = errors.New("reported")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: golive COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&helpWriter{err: e.stderr, out: e.stdout})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: golive %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a command's flags. Help that was asked for (-h) goes
// to stdout; a mistake's usage goes to stderr.
// parseInterspersed parses args with flags before, between and after the
// positional arguments (golive protect OWNER/REPO --dry-run), and returns
// the positional ones in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			if w, ok := fs.Output().(*helpWriter); ok {
				w.asked = true
			}
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// helpWriter is a command's flag output: stderr, or stdout once help was
// asked for.
type helpWriter struct {
	err, out io.Writer
	asked    bool
}

func (w *helpWriter) Write(p []byte) (int, error) {
	if w.asked {
		return w.out.Write(p)
	}
	return w.err.Write(p)
}

// closest is the name nearest to s, if it is near enough to be a typo.
func closest(s string, names []string) string {
	best, bestD := "", 3
	if len(s) <= 3 {
		bestD = 2
	}
	for _, n := range names {
		if d := checklist.EditDistance(strings.ToLower(s), n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		for _, n := range names {
			if len(s) >= 3 && strings.HasPrefix(n, s) {
				return n
			}
		}
	}
	return best
}

func runVersion(e *env, args []string) error {
	fmt.Fprintln(e.stdout, "golive", app.BuildVersion())
	return nil
}

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, strings.TrimSpace(fmt.Sprintf(format, args...)))
}
