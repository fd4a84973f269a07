package render

import (
	"encoding/json"

	"github.com/ag06mixer/golive/internal/checklist"
)

// Model is the checklist as `golive render --format json` prints it.
type Model struct {
	Version  int               `json:"version"`
	Release  checklist.Matcher `json:"release"`
	Roles    []ModelRole       `json:"roles"`
	Sections []ModelSection    `json:"sections"`
}

// ModelRole is a sign-off role in the model.
type ModelRole struct {
	ID               string   `json:"id"`
	Title            string   `json:"title"`
	Teams            []string `json:"teams,omitempty"`
	Users            []string `json:"users,omitempty"`
	Permission       string   `json:"permission,omitempty"`
	InvalidateOnPush bool     `json:"invalidate_on_push"`
	After            []string `json:"after,omitempty"`
}

// ModelSection is a section in the model.
type ModelSection struct {
	ID     string       `json:"id"`
	Title  string       `json:"title"`
	Groups []ModelGroup `json:"groups"`
}

// ModelGroup is a group in the model.
type ModelGroup struct {
	ID    string      `json:"id"`
	Title string      `json:"title"`
	Items []ModelItem `json:"items"`
}

// ModelItem is an item in the model.
type ModelItem struct {
	ID       string              `json:"id"`
	Title    string              `json:"title"`
	Source   checklist.Source    `json:"source"`
	Required bool                `json:"required"`
	Phase    checklist.Phase     `json:"phase"`
	Evidence *checklist.Evidence `json:"evidence,omitempty"`
	Items    []ModelItem         `json:"items,omitempty"`
}

// NewModel builds the model of a resolved config.
func NewModel(c *checklist.Config) Model {
	m := Model{Version: c.Version, Release: c.Release, Roles: []ModelRole{}, Sections: []ModelSection{}}
	for _, r := range c.Roles {
		m.Roles = append(m.Roles, ModelRole{ID: r.ID, Title: r.Title, Teams: r.Teams, Users: r.Users, Permission: r.Permission, InvalidateOnPush: r.Invalidates(), After: r.After})
	}
	phases := map[*checklist.Item]checklist.Phase{}
	for _, e := range c.Flatten() {
		phases[e.Item] = e.Phase
	}
	var items func([]checklist.Item) []ModelItem
	items = func(in []checklist.Item) []ModelItem {
		out := make([]ModelItem, 0, len(in))
		for i := range in {
			it := &in[i]
			out = append(out, ModelItem{ID: it.ID, Title: it.Title, Source: it.Source(), Required: it.IsRequired(), Phase: phases[it], Evidence: it.Evidence, Items: items(it.Items)})
		}
		return out
	}
	for _, s := range c.Sections {
		ms := ModelSection{ID: s.ID, Title: s.Title, Groups: []ModelGroup{}}
		for _, g := range s.Groups {
			ms.Groups = append(ms.Groups, ModelGroup{ID: g.ID, Title: g.Title, Items: items(g.Items)})
		}
		m.Sections = append(m.Sections, ms)
	}
	return m
}

// JSON renders the model, indented, with a trailing newline.
func JSON(c *checklist.Config) ([]byte, error) {
	b, err := json.MarshalIndent(NewModel(c), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
