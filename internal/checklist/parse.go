package checklist

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize caps a config file. A checklist of a few hundred items is a
// few tens of kilobytes; anything far larger is a mistake or an attack.
const MaxFileSize = 1 << 20

// TooLarge is the problem of a file over MaxFileSize, at its first line so
// editors and annotations can place it.
func TooLarge(name string, size int64) Problem {
	return Problem{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: fmt.Sprintf("file is %d bytes, over the %d-byte limit", size, MaxFileSize)}
}

// maxDepth caps YAML nesting, which no valid config comes near.
const maxDepth = 32

// File is one layer of configuration as written in a file: the built-in
// default, an org's golive.yml or a repo's .github/golive.yml.
type File struct {
	Name string `yaml:"-" json:"-"`

	Version int `yaml:"version" json:"version"`
	// Inherit, default true, starts this layer from the one below it (the
	// org layer, or the built-in default). False starts from nothing.
	Inherit  *bool     `yaml:"inherit,omitempty" json:"inherit,omitempty"`
	Release  *Matcher  `yaml:"release,omitempty" json:"release,omitempty"`
	Roles    []Role    `yaml:"roles,omitempty" json:"roles,omitempty"`
	Rules    Rules     `yaml:"rules,omitempty" json:"rules,omitempty"`
	Defaults Defaults  `yaml:"defaults,omitempty" json:"defaults,omitempty"`
	Sections []Section `yaml:"sections,omitempty" json:"sections,omitempty"`
	// Override patches inherited items by id: only the fields given change.
	Override map[string]Item `yaml:"override,omitempty" json:"override,omitempty"`
	// Drop removes inherited items, groups or sections by id.
	Drop []string `yaml:"drop,omitempty" json:"drop,omitempty"`
	// Environments say what a deployment to each environment waits for.
	Environments map[string]EnvGate `yaml:"environments,omitempty" json:"environments,omitempty"`
	// Vars are the values probe targets name as ${vars.NAME}; a later
	// layer's value wins.
	Vars map[string]string `yaml:"vars,omitempty" json:"vars,omitempty"`
	// Freezes are change freezes; one with an inherited id replaces it.
	Freezes []Freeze `yaml:"freezes,omitempty" json:"freezes,omitempty"`

	idx     posIndex
	release origin
}

// Inherits reports whether the layer builds on the one below it.
func (f *File) Inherits() bool { return f.Inherit == nil || *f.Inherit }

// Pos is a place in a config file. Line and Col count from 1.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Problem is one thing wrong with a config, at a place in a file.
type Problem struct {
	Pos Pos
	Msg string
}

func (p Problem) String() string { return p.Pos.String() + ": " + p.Msg }

// Problems is the error a config that fails to parse, merge or validate
// returns: every problem found, in file order.
type Problems []Problem

// ErrInvalid is matched by errors.Is for every Problems error.
var ErrInvalid = errors.New("invalid config")

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

func (ps Problems) sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return ps
}

// posIndex maps a dotted path ("sections.2.groups.0.items.3.id") to the
// place of the value at that path, and path+"#key" to the place of its key.
type posIndex struct {
	file string
	at   map[string]Pos
}

func (x posIndex) pos(path string) Pos {
	for {
		if p, ok := x.at[path]; ok {
			return p
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			if p, ok := x.at[""]; ok {
				return p
			}
			return Pos{File: x.file}
		}
		path = path[:i]
	}
}

// origin remembers where a role, section, group or item was written, so a
// problem found after merging layers still points into the right file.
type origin struct {
	idx  *posIndex
	path string
}

func (o origin) at(field string) Pos {
	if o.idx == nil {
		return Pos{File: "(built-in)"}
	}
	p := o.path
	if field != "" {
		p += "." + field
	}
	return o.idx.pos(p)
}

// Duration is a time.Duration written as "90s", "5m" or "1h30m".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("bad duration %q: want a form like 90s, 5m or 1h30m", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// MarshalText writes the duration string (JSON and schema).
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Parse reads one config layer. name is used in problem positions. It
// returns Problems for every syntax, shape and local-consistency mistake;
// references to roles and items are checked when layers are merged.
func Parse(name string, data []byte) (*File, error) {
	f, ps := parseAll(name, data)
	if len(ps) > 0 {
		return nil, ps
	}
	return f, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: (.*)`)

func yamlProblem(name string, err error) Problem {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col := 1
		if m[2] != "" {
			col, _ = strconv.Atoi(m[2])
		}
		return Problem{Pos: Pos{File: name, Line: line, Col: col}, Msg: m[3]}
	}
	return Problem{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: msg}
}

var durationType = reflect.TypeOf(Duration(0))

// shape walks the YAML tree beside the Go type it decodes into. It records
// the place of every value, and reports unknown keys and values of the
// wrong kind at their line and column, which yaml.v3's own errors give
// without a column or not at all.
func shape(file string, n *yaml.Node, t reflect.Type, path string, depth int, idx *posIndex, ps *Problems) {
	here := Pos{File: file, Line: n.Line, Col: n.Column}
	idx.at[path] = here
	if depth > maxDepth {
		*ps = append(*ps, Problem{Pos: here, Msg: "nesting is too deep"})
		return
	}
	if n.Kind == yaml.AliasNode {
		*ps = append(*ps, Problem{Pos: here, Msg: "YAML aliases are not allowed in golive config"})
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := func(kind string) {
		*ps = append(*ps, Problem{Pos: here, Msg: fmt.Sprintf("%s must be %s", describe(path), kind)})
	}
	if n.Tag == "!!null" {
		return
	}
	if t == durationType {
		if n.Kind != yaml.ScalarNode {
			want("a duration such as 5m")
			return
		}
		if d, err := time.ParseDuration(n.Value); err != nil || d < 0 {
			*ps = append(*ps, Problem{Pos: here, Msg: fmt.Sprintf("%s: bad duration %q; want a form like 90s, 5m or 1h30m", describe(path), n.Value)})
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			want("a mapping")
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := join(path, k.Value)
			idx.at[kp+"#key"] = Pos{File: file, Line: k.Line, Col: k.Column}
			if seen[k.Value] {
				*ps = append(*ps, Problem{Pos: Pos{File: file, Line: k.Line, Col: k.Column}, Msg: fmt.Sprintf("key %q appears twice", k.Value)})
				continue
			}
			seen[k.Value] = true
			ft, ok := fields[k.Value]
			if !ok {
				*ps = append(*ps, Problem{Pos: Pos{File: file, Line: k.Line, Col: k.Column}, Msg: fmt.Sprintf("unknown key %q%s", k.Value, suggest(k.Value, keys(fields)))})
				continue
			}
			shape(file, v, ft, kp, depth+1, idx, ps)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			want("a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := join(path, k.Value)
			idx.at[kp+"#key"] = Pos{File: file, Line: k.Line, Col: k.Column}
			shape(file, v, t.Elem(), kp, depth+1, idx, ps)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			want("a list")
			return
		}
		for i, c := range n.Content {
			shape(file, c, t.Elem(), join(path, strconv.Itoa(i)), depth+1, idx, ps)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			want("true or false")
		}
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			want("a whole number")
		}
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!float" && n.Tag != "!!int") {
			want("a number")
			return
		}
		var v float64
		if err := n.Decode(&v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			want("a finite number")
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			want("a string")
		}
	}
}

func describe(path string) string {
	if path == "" {
		return "the document"
	}
	return strconv.Quote(path)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

func keys(m map[string]reflect.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// attachOrigins records in each role, section, group and item where it was
// written.
func (f *File) attachOrigins() {
	idx := &f.idx
	f.release = origin{idx, "release"}
	f.Defaults.o = origin{idx, "defaults"}
	for i := range f.Roles {
		f.Roles[i].o = origin{idx, "roles." + strconv.Itoa(i)}
	}
	for si := range f.Sections {
		s := &f.Sections[si]
		sp := "sections." + strconv.Itoa(si)
		s.o = origin{idx, sp}
		for gi := range s.Groups {
			g := &s.Groups[gi]
			gp := sp + ".groups." + strconv.Itoa(gi)
			g.o = origin{idx, gp}
			attachItems(idx, g.Items, gp)
		}
	}
	for id, it := range f.Override {
		it.o = origin{idx, "override." + id}
		attachItems(idx, it.Items, it.o.path)
		f.Override[id] = it
	}
}

func attachItems(idx *posIndex, items []Item, parent string) {
	for i := range items {
		p := parent + ".items." + strconv.Itoa(i)
		items[i].o = origin{idx, p}
		attachItems(idx, items[i].Items, p)
	}
}
