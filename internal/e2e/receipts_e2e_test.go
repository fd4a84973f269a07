package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// receiptComments are the comments on the tracking issue that hold a
// receipt marker.
func (h *harness) receiptComments(t testing.TB) []githubfake.Comment {
	t.Helper()
	var out []githubfake.Comment
	for _, c := range h.comments(h.issue(t).Number) {
		if strings.Contains(c.Body, "<!-- golive:receipt ") {
			out = append(out, c)
		}
	}
	return out
}

// mergeNow merges the release PR in the fake and returns the real
// pull_request.closed payload that reports it, merged now: the post-go-live
// windows have not closed, so the merge is the one decision point.
func (h *harness) mergeNow(t testing.TB) []byte {
	t.Helper()
	body := h.openPR(t, "closed", func(m map[string]any) {
		set(m, "pull_request.merged", true)
		set(m, "pull_request.merged_at", time.Now().UTC().Format(time.RFC3339))
		set(m, "pull_request.merge_commit_sha", headB)
		set(m, "pull_request.state", "closed")
	})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		p := repos[testRepo].Pulls[prNum]
		p.State, p.Merged, p.MergeSHA = "closed", true, headB
	})
	return body
}

// publicKey fetches the receipts' public key from the running server.
func (h *harness) publicKey(t testing.TB) (string, ed25519.PublicKey) {
	t.Helper()
	resp, err := http.Get(h.nodes[0].url + "/.well-known/golive-receipts.pub")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /.well-known/golive-receipts.pub: %d", resp.StatusCode)
	}
	pub, err := receipt.ParsePublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "golive-receipts.pub")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, pub
}

func runGolive(args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.Run(context.Background(), args, func(string) string { return "" }, nil, &out, &out)
	return code, out.String()
}

func writeTemp(t testing.TB, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestE2EReceiptOnMerge: a merged release gets exactly one receipt comment,
// however often GitHub delivers the merge, and golive verify accepts it,
// from a file and from GitHub's API; a changed byte is refused.
func TestE2EReceiptOnMerge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	if n := len(h.receiptComments(t)); n != 0 {
		t.Fatalf("an open release has %d receipt comments, want 0", n)
	}
	merged := h.mergeNow(t)
	h.post(0, "pull_request", merged, "merge-1")
	h.post(0, "pull_request", merged, "merge-1") // a redelivery: the same id
	h.post(0, "pull_request", merged, "merge-2") // a second delivery of the event
	h.settle()
	h.send("pull_request", merged)
	// Later events sync the release again; the merge is still posted once.
	h.send("deployment_status", h.deploy(t, "production", headB, "success"))
	h.settle()
	rc := h.receiptComments(t)
	if len(rc) != 1 {
		t.Fatalf("got %d receipt comments, want 1", len(rc))
	}
	keyFile, pub := h.publicKey(t)
	file := writeTemp(t, "receipt.md", rc[0].Body)
	code, out := runGolive("verify", "--offline", "--key", keyFile, file)
	if code != 0 || !strings.Contains(out, "signature good") || !strings.Contains(out, testRepo+"#2 · merge") {
		t.Fatalf("golive verify: exit %d\n%s", code, out)
	}
	// From GitHub's API (the issue's comments), with the config layer checked at the base commit.
	url := strings.TrimSuffix(h.fake.URL(), "/") + "/repos/" + testRepo + "/issues/" + strconv.Itoa(h.issue(t).Number) + "/comments"
	code, out = runGolive("verify", "--key", keyFile, "--github-api-url", h.fake.URL(), url)
	if code != 0 || !strings.Contains(out, "as the receipt says") {
		t.Fatalf("golive verify URL: exit %d\n%s", code, out)
	}
	// The receipt is kept in Redis too, for the dashboard.
	k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
	kept, err := h.nodes[0].sys.Worker().Receipts(context.Background(), k)
	if err != nil || len(kept) != 1 {
		t.Fatalf("Redis holds %d receipts (%v), want 1", len(kept), err)
	}
	r, err := receipt.Verify(kept[0], pub)
	if err != nil || r.PR.MergeCommit != headB || r.Repository.ID == 0 || r.Kind != receipt.KindMerge {
		t.Errorf("kept receipt: %+v, %v", r.PR, err)
	}
	tampered := strings.Replace(rc[0].Body, `"author":"Codertocat"`, `"author":"Codertocar"`, 1)
	if tampered == rc[0].Body {
		tampered = flipInBlock(t, rc[0].Body)
	}
	if code, out := runGolive("verify", "--offline", "--key", keyFile, writeTemp(t, "bad.md", tampered)); code == 0 {
		t.Errorf("golive verify accepted a changed receipt:\n%s", out)
	}
}

// flipInBlock changes one character of a compressed receipt's base64.
func flipInBlock(t testing.TB, body string) string {
	t.Helper()
	i := strings.Index(body, "```golive-receipt-gzip-base64\n")
	if i < 0 {
		t.Fatal("no receipt block in the comment")
	}
	j := i + len("```golive-receipt-gzip-base64\n") + 40
	b := []byte(body)
	if b[j] == 'A' {
		b[j] = 'B'
	} else {
		b[j] = 'A'
	}
	return string(b)
}
