package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/server"
)

type apiProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

type apiAnswer struct {
	Valid    bool         `json:"valid"`
	Problems []apiProblem `json:"problems"`
}

func postValidate(t *testing.T, url, contentType, body string) (int, apiAnswer, http.Header) {
	t.Helper()
	resp, err := http.Post(url+"/api/validate", contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a apiAnswer
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("answer %s: %v", b, err)
		}
	}
	return resp.StatusCode, a, resp.Header
}

// TestValidateAPI: POST /api/validate answers what golive validate prints,
// as JSON, with no sign-in; the org layer is layered under the repo file.
func TestValidateAPI(t *testing.T) {
	srv := httptest.NewServer(server.New(server.Deps{}))
	defer srv.Close()

	code, a, _ := postValidate(t, srv.URL, "application/yaml", "colour: red\ndrop: [waf-rules-defined-optionl]\n")
	want := []string{
		`.github/golive.yml:1:1: unknown key "colour"`,
		`.github/golive.yml:1:1: version is missing; add "version: 1" at the top`,
		`.github/golive.yml:2:8: drop "waf-rules-defined-optionl": no inherited item, group or section has that id; did you mean "waf-rules-defined-optional"?`,
	}
	var got []string
	for _, p := range a.Problems {
		got = append(got, p.Text)
	}
	if code != http.StatusOK || a.Valid || cmp.Diff(want, got) != "" {
		t.Errorf("yaml body: %d valid=%v\n%s", code, a.Valid, cmp.Diff(want, got))
	}
	if len(a.Problems) > 0 && (a.Problems[2].Line != 2 || a.Problems[2].Col != 8 || a.Problems[2].File != ".github/golive.yml") {
		t.Errorf("positions: %+v", a.Problems[2])
	}

	repo := "version: 1\nsections:\n  - id: s\n    title: S\n    groups: [{id: g, title: G, items: [{id: x, title: X, evidence: {approval: {role: sre}}}]}]\n"
	org := "version: 1\nroles:\n  - {id: sre, title: SRE, users: [ann]}\n"
	body, _ := json.Marshal(map[string]string{"config": repo, "org": org})
	if code, a, _ := postValidate(t, srv.URL, "application/json; charset=utf-8", string(body)); code != http.StatusOK || !a.Valid || len(a.Problems) != 0 {
		t.Errorf("org+repo: %d %+v", code, a)
	}
	body, _ = json.Marshal(map[string]string{"config": repo, "name": "repo.yml"})
	if code, a, _ := postValidate(t, srv.URL, "application/json", string(body)); code != http.StatusOK || a.Valid || len(a.Problems) != 1 ||
		a.Problems[0].Text != `repo.yml:5:86: item "x" needs unknown role "sre"` {
		t.Errorf("repo alone: %d %+v", code, a)
	}
	body, _ = json.Marshal(map[string]string{"config": repo, "org": "version: 1\nroles:\n  - {id: sre, title: S, permission: god}\n"})
	if code, a, _ := postValidate(t, srv.URL, "application/json", string(body)); code != http.StatusOK || a.Valid || len(a.Problems) != 1 ||
		a.Problems[0].File != "org/.github/golive.yml" {
		t.Errorf("bad org: %d %+v", code, a)
	}
	if code, a, _ := postValidate(t, srv.URL, "text/plain", "version: 1\n"); code != http.StatusOK || !a.Valid || a.Problems == nil {
		t.Errorf("good: %d %+v (problems must be [], not null)", code, a)
	}
}

// TestValidateAPIRefuses: bad JSON is 400, a body over the cap 413
// (announced or not), GET is not served.
func TestValidateAPIRefuses(t *testing.T) {
	srv := httptest.NewServer(server.New(server.Deps{}))
	defer srv.Close()
	for _, tc := range []struct {
		name, ct, body string
		want           int
	}{
		{"not json", "application/json", "version: 1", http.StatusBadRequest},
		{"unknown field", "application/json", `{"config":"version: 1\n","secret":1}`, http.StatusBadRequest},
		{"empty config", "application/json", `{"org":"version: 1\n"}`, http.StatusBadRequest},
		{"same names", "application/json", `{"config":"version: 1\n","org":"version: 1\n","name":"a","org_name":"a"}`, http.StatusBadRequest},
		{"too large", "application/yaml", "version: 1\n#" + strings.Repeat("x", 5<<20), http.StatusRequestEntityTooLarge},
	} {
		if code, _, _ := postValidate(t, srv.URL, tc.ct, tc.body); code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
		}
	}
	// Without a Content-Length the cap holds while reading.
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte("version: 1\n#" + strings.Repeat("x", 5<<20)))
		pw.Close()
	}()
	resp, err := http.Post(srv.URL+"/api/validate", "application/yaml", pr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked over the cap: %d", resp.StatusCode)
	}
	resp, err = http.Get(srv.URL + "/api/validate")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

// heldBody signals when the server starts reading it, and gives its bytes
// only once released: a request in the middle of its check.
type heldBody struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
	r       io.Reader
}

func (h *heldBody) Read(p []byte) (int, error) {
	h.once.Do(func() { close(h.started) })
	<-h.release
	return h.r.Read(p)
}

func (h *heldBody) Close() error { return nil }

// TestValidateAPIConcurrency: with two checks running, a third is told to
// come back (429, Retry-After); once they finish it is answered.
func TestValidateAPIConcurrency(t *testing.T) {
	h := server.New(server.Deps{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		b := &heldBody{started: make(chan struct{}), release: release, r: strings.NewReader("version: 1\n")}
		req := httptest.NewRequest(http.MethodPost, "/api/validate", nil)
		req.Body, req.ContentLength = b, -1
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			codes[i] = rec.Code
		}()
		<-b.started
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/validate", strings.NewReader("version: 1\n")))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("third at once: %d %q, want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	wg.Wait()
	if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
		t.Errorf("held checks: %v", codes)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/validate", strings.NewReader("version: 1\n")))
	if rec.Code != http.StatusOK {
		t.Errorf("after: %d", rec.Code)
	}
}
