package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// loadConfig resolves the built-in default with an optional file over it.
func loadConfig(path string) (*checklist.Config, error) {
	return loadLayers("", path)
}

// loadLayers resolves built-in ← org ← repo as serve does; either file may
// be "".
func loadLayers(orgPath, path string) (*checklist.Config, error) {
	def, err := checklist.Default()
	if err != nil {
		return nil, fmt.Errorf("built-in checklist: %w", err)
	}
	layers := []*checklist.File{def}
	for _, p := range []string{orgPath, path} {
		if p == "" {
			continue
		}
		f, err := readLayer(p)
		if err != nil {
			return nil, err
		}
		layers = append(layers, f)
	}
	return checklist.Resolve(layers...)
}

func readLayer(path string) (*checklist.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > checklist.MaxFileSize {
		return nil, checklist.Problems{checklist.TooLarge(path, fi.Size())}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return checklist.Parse(path, data)
}

func runRender(e *env, args []string) error {
	fs := newFlags(e, "render", "render [--config FILE] [--format markdown|json]")
	cfgPath := fs.String("config", "", "a config `file` layered over the built-in checklist")
	format := fs.String("format", "markdown", "output `format`: markdown (the tracking issue of a fresh release) or json (the checklist model)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		var ps checklist.Problems
		if errors.As(err, &ps) {
			for _, p := range ps {
				fmt.Fprintln(e.stderr, p)
			}
			return errReported
		}
		return err
	}
	switch *format {
	case "json":
		b, err := render.JSON(cfg)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(b)
		return err
	case "markdown", "md":
		s := release.New(release.Key{Owner: "OWNER", Repo: "REPO", PR: 1})
		s.Title = "Release"
		_, err := fmt.Fprint(e.stdout, render.Issue(cfg, s, time.Unix(0, 0).UTC()))
		return err
	default:
		return usageErr("unknown format %q; want markdown or json", *format)
	}
}

// checkTargets refuses probe targets the server's guard denies (literal
// addresses and localhost names), with the allow-list serve would use.
func checkTargets(cfg *checklist.Config, allow string) error {
	g, err := probe.ParseAllow(allow)
	if err != nil {
		return err
	}
	var ps checklist.Problems
	for _, t := range cfg.ProbeTargets() {
		if err := g.CheckTarget(t.Host); err != nil {
			ps = append(ps, checklist.Problem{Pos: t.Pos, Msg: fmt.Sprintf("item %q: probe target %s", t.Item, err)})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}
