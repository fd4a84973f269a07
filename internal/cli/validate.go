package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"

	"github.com/ag06mixer/golive/internal/checklist"
)

// stdinName is how a config read from stdin ("-") is named in problems.
const stdinName = "<stdin>"

func runValidate(e *env, args []string) error {
	fs := newFlags(e, "validate", "validate [--org ORG.yml] FILE…|-")
	org := fs.String("org", "", "the org's golive.yml `file`, layered under each FILE as serve layers them (its locks hold)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("name at least one config file, or - for stdin")
	}
	var orgLayer *checklist.Layer
	if *org != "" {
		l, err := readConfigLayer(e, *org)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: %v\n", *org, err)
			return errReported
		}
		orgLayer = &l
	}
	bad, orgShown := false, false
	var layers []checklist.Layer
	unknownRoles := map[string][]string{} // role → files that need it
	for _, path := range fs.Args() {
		l, err := readConfigLayer(e, path)
		if err != nil {
			bad = true
			var ps checklist.Problems
			if errors.As(err, &ps) {
				printProblems(e.stdout, ps)
				continue
			}
			fmt.Fprintf(e.stdout, "%s: %v\n", path, err)
			continue
		}
		layers = append(layers, l)
		cfg, orgPs, ps := checklist.CheckOrgAndRepo(orgLayer, l)
		if len(orgPs) > 0 && !orgShown {
			printProblems(e.stdout, orgPs)
			orgShown = true
		}
		if cfg != nil {
			if err := checkTargets(cfg, e.getenv("GOLIVE_PROBE_ALLOW")); err != nil {
				var tps checklist.Problems
				if !errors.As(err, &tps) {
					return err
				}
				ps = append(ps, tps...)
			}
		}
		if len(orgPs)+len(ps) > 0 {
			bad = true
			printProblems(e.stdout, ps)
			for _, p := range ps {
				if m := unknownRole.FindStringSubmatch(p.Msg); m != nil {
					unknownRoles[m[1]] = append(unknownRoles[m[1]], l.Name)
				}
			}
			continue
		}
		fmt.Fprintf(e.stderr, "%s: ok\n", l.Name)
	}
	if orgLayer == nil {
		hintOrg(e.stderr, layers, unknownRoles)
	}
	if bad {
		return errReported
	}
	return nil
}

var unknownRole = regexp.MustCompile(`needs unknown role "([^"]+)"`)

// hintOrg names, for a role a file lacks, another file given on the same
// command line that defines it: `golive validate org.yml repo.yml` checks
// each file on its own, and --org is how to layer one under the other.
func hintOrg(w io.Writer, layers []checklist.Layer, unknown map[string][]string) {
	roles := make([]string, 0, len(unknown))
	for r := range unknown {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, role := range roles {
		for _, l := range layers {
			f, err := checklist.Parse(l.Name, l.Data)
			if err != nil || !definesRole(f, role) {
				continue
			}
			for _, need := range unknown[role] {
				if need != l.Name {
					fmt.Fprintf(w, "hint: %s defines role %q; each FILE is checked on its own: to layer %s under %s as serve does, run golive validate --org %s %s\n", l.Name, role, l.Name, need, l.Name, need)
				}
			}
			break
		}
	}
}

func definesRole(f *checklist.File, id string) bool {
	for _, r := range f.Roles {
		if r.ID == id {
			return true
		}
	}
	return false
}

func printProblems(w io.Writer, ps checklist.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p)
	}
}

// readConfigLayer reads a config file, or stdin for "-", refusing one over
// checklist.MaxFileSize before reading it all.
func readConfigLayer(e *env, path string) (checklist.Layer, error) {
	if path == "-" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, checklist.MaxFileSize+1))
		if err != nil {
			return checklist.Layer{}, fmt.Errorf("read stdin: %w", err)
		}
		if len(data) > checklist.MaxFileSize {
			// Not read to the end: the size is not known, only its bound.
			return checklist.Layer{}, checklist.Problems{{Pos: checklist.Pos{File: stdinName, Line: 1, Col: 1}, Msg: fmt.Sprintf("input is over the %d-byte limit", checklist.MaxFileSize)}}
		}
		return checklist.Layer{Name: stdinName, Data: data}, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return checklist.Layer{}, err
	}
	if fi.Size() > checklist.MaxFileSize {
		return checklist.Layer{}, checklist.Problems{checklist.TooLarge(path, fi.Size())}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return checklist.Layer{}, err
	}
	return checklist.Layer{Name: path, Data: data}, nil
}
