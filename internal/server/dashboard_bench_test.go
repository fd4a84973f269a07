package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
)

// In-memory fakes of the dashboard's ports, for benchmarks: the cost
// measured is golive's own (evaluate, build, render), not Redis or GitHub.

type memReleases struct {
	cfg    *checklist.Config
	states map[release.Key]*release.State
}

func (m *memReleases) Open(context.Context) ([]release.Key, error) {
	out := make([]release.Key, 0, len(m.states))
	for k := range m.states {
		out = append(out, k)
	}
	return out, nil
}

func (m *memReleases) Overview(_ context.Context, k release.Key, viewer string) (*overview.Release, []string, error) {
	s := m.states[k]
	if s == nil {
		return nil, nil, nil
	}
	return overview.Build(m.cfg, s, "", time.Now()), []string{"security"}, nil
}

func (m *memReleases) Refresh(context.Context, release.Key, string) error { return nil }

type memAccounts struct{}

func (memAccounts) AuthorizeURL(state, redirect string) string { return "https://github.invalid/" }
func (memAccounts) Exchange(context.Context, string, string) (string, time.Duration, error) {
	return "", 0, nil
}
func (memAccounts) User(context.Context, string) (string, int64, error) { return "sam", 1, nil }
func (memAccounts) CanRead(context.Context, string, string, string) (bool, error) {
	return true, nil
}

type memMarks struct{}

func (memMarks) Lease(context.Context, string, time.Duration) (bool, error) { return true, nil }
func (memMarks) CacheGet(context.Context, string) ([]byte, bool, error) {
	return nil, false, nil
}
func (memMarks) CacheSet(context.Context, string, []byte, time.Duration) error { return nil }

// benchDashboard serves n releases of the full default checklist, each
// with a probe history of 120 runs, to a signed-in viewer.
func benchDashboard(b *testing.B, n int) (http.Handler, *http.Cookie) {
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	m := &memReleases{cfg: cfg, states: map[release.Key]*release.State{}}
	now := time.Now()
	for i := range n {
		k := release.Key{Owner: "acme", Repo: "shop", PR: i + 1}
		s := release.New(k)
		s.Title, s.HeadSHA, s.OpenedAt = fmt.Sprintf("Release %d", i), "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00", now.Add(-48*time.Hour)
		var hist []release.ProbeResult
		for j := range 120 {
			hist = append(hist, release.ProbeResult{At: now.Add(time.Duration(j-120) * time.Minute), OK: j%17 != 0, Latency: time.Duration(30+j%40) * time.Millisecond})
		}
		s.Probes = map[string]release.ProbeHistory{"application-health-endpoints-implemented": {Last: hist[119], History: hist[:119]}}
		s.Signoffs = []release.Signoff{{Role: "tech-lead", By: "tina", At: now, SHA: s.HeadSHA}}
		for j := range 50 {
			s.Audit = append(s.Audit, release.AuditEntry{At: now, Actor: "tina", Action: "ticked", Detail: fmt.Sprint(j)})
		}
		m.states[k] = s
	}
	sealer, _ := NewSealer([]byte(strings.Repeat("s", 32)))
	h := New(Deps{Dashboard: &Dashboard{Releases: m, Accounts: memAccounts{}, Marks: memMarks{}, Sealer: sealer}})
	v, _ := sealer.Seal(purposeSession, Session{ID: "x", Login: "sam", Token: "t", CSRF: "c", Issued: now, Expires: now.Add(time.Hour)})
	return h, &http.Cookie{Name: "golive_session", Value: v}
}

func benchGet(b *testing.B, h http.Handler, ck *http.Cookie, path string) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(ck)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, w.Code)
		}
		b.SetBytes(int64(w.Body.Len()))
	}
}

// BenchmarkDashboardRelease: one release's page, all 162 items, a probe
// chart, the ledger and the audit trail.
func BenchmarkDashboardRelease(b *testing.B) {
	h, ck := benchDashboard(b, 1)
	benchGet(b, h, ck, "/releases/acme/shop/1")
}

// BenchmarkDashboardList: the list of 50 open releases.
func BenchmarkDashboardList(b *testing.B) {
	h, ck := benchDashboard(b, 50)
	benchGet(b, h, ck, "/releases")
}

// BenchmarkDashboardExportJSON: one release's record as JSON.
func BenchmarkDashboardExportJSON(b *testing.B) {
	h, ck := benchDashboard(b, 1)
	benchGet(b, h, ck, "/releases/acme/shop/1.json")
}
