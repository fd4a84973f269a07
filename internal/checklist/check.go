package checklist

import (
	"errors"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CheckLayer reads one layer and reports all its problems in one pass: its
// syntax and shape, its own consistency, and what merging it over the
// layers below finds (unknown roles, drops of unknown ids, locks). The
// layers below are taken as valid (they are checked on their own); a
// problem that points into one of them is left out, so each is reported
// once, by the file it is in. With no problems it returns the resolved
// config.
func CheckLayer(name string, data []byte, below ...*File) (*Config, Problems) {
	f, ps := parseAll(name, data)
	if f == nil {
		return nil, ps
	}
	layers := append(append([]*File{}, below...), f)
	cfg, err := Resolve(layers...)
	if err != nil {
		var rps Problems
		if errors.As(err, &rps) {
			for _, p := range rps {
				if p.Pos.File == name {
					ps = append(ps, p)
				}
			}
		}
		if len(ps) == 0 {
			// Resolve failed on something it blames on no line of this
			// file; say so rather than pass it.
			ps = append(ps, Problem{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: err.Error()})
		}
	}
	if len(ps) > 0 {
		return nil, dedupe(ps.sorted())
	}
	return cfg, nil
}

// Layer is one config file's name and bytes.
type Layer struct {
	Name string
	Data []byte
}

// CheckOrgAndRepo validates a repo file as serve layers it: the built-in
// default, then the org's file when org is not nil, then the repo's. The
// org file's problems come first, once; when it has any, the repo file is
// only checked on its own (merging it over a broken org layer would report
// what the org got wrong as the repo's mistakes).
func CheckOrgAndRepo(org *Layer, repo Layer) (*Config, Problems, Problems) {
	def, err := Default()
	if err != nil {
		return nil, Problems{{Pos: Pos{File: "built-in"}, Msg: err.Error()}}, nil
	}
	below := []*File{def}
	var orgPs Problems
	if org != nil {
		if _, orgPs = CheckLayer(org.Name, org.Data, def); len(orgPs) > 0 {
			_, ps := parseAll(repo.Name, repo.Data)
			return nil, orgPs, ps
		}
		f, err := Parse(org.Name, org.Data)
		if err != nil {
			return nil, Problems{{Pos: Pos{File: org.Name, Line: 1, Col: 1}, Msg: err.Error()}}, nil
		}
		below = append(below, f)
	}
	cfg, ps := CheckLayer(repo.Name, repo.Data, below...)
	return cfg, nil, ps
}

// parseAll parses one layer, going past problems where it safely can: a
// file whose only shape problems are unknown keys still decodes (yaml.v3
// skips those keys), so its other mistakes are found in the same pass. It
// returns a nil *File when the file could not be decoded at all.
func parseAll(name string, data []byte) (*File, Problems) {
	if len(data) > MaxFileSize {
		return nil, Problems{TooLarge(name, int64(len(data)))}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Problems{yamlProblem(name, err)}
	}
	f := &File{Name: name, idx: posIndex{file: name, at: map[string]Pos{}}}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, Problems{{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "file is empty; want at least \"version: 1\""}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, Problems{{Pos: Pos{File: name, Line: root.Line, Col: root.Column}, Msg: "top level must be a mapping of keys such as version, roles, sections"}}
	}
	var ps Problems
	shape(name, root, reflect.TypeOf(File{}), "", 0, &f.idx, &ps)
	for _, p := range ps {
		// Anything but an unknown key (a wrong kind, a duplicate key, an
		// alias, too deep a nesting) stops here: decoding it would fail or
		// do what the shape check exists to refuse.
		if !strings.HasPrefix(p.Msg, "unknown key ") {
			return nil, ps.sorted()
		}
	}
	if err := root.Decode(f); err != nil {
		return nil, append(ps, yamlProblem(name, err)).sorted()
	}
	f.Name = name
	f.attachOrigins()
	ps = append(ps, f.check()...)
	return f, ps.sorted()
}

// dedupe drops a problem repeated at the same place with the same words
// (a layer's own check and its merge can both see one mistake).
func dedupe(ps Problems) Problems {
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && p == ps[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// ids lists every section, group and item id of the config, for "did you
// mean" suggestions.
func (c *Config) ids() []string {
	var out []string
	for _, s := range c.Sections {
		out = append(out, s.ID)
		for _, g := range s.Groups {
			out = append(out, g.ID)
		}
	}
	return append(out, c.itemIDs()...)
}
