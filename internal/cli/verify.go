package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/receipt"
)

// maxFetch bounds what verify reads from a file or URL.
const maxFetch = 32 << 20

func runVerify(e *env, args []string) error {
	fs := newFlags(e, "verify", "verify [--offline] --key PUB FILE|URL…")
	keyArg := fs.String("key", "", "the receipts' public `key`: a PEM file, its URL (…/.well-known/golive-receipts.pub) or the base64 of its 32 bytes")
	offline := fs.Bool("offline", false, "check only the signatures and the chain; read nothing from GitHub")
	api := fs.String("github-api-url", e.getenv("GOLIVE_GITHUB_API_URL"), "GitHub REST API root `URL` for the config check (default https://api.github.com/)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyArg == "" || fs.NArg() == 0 {
		return usageErr("give --key and at least one receipt FILE or URL")
	}
	ctx := e.ctx
	pub, err := readKey(ctx, *keyArg)
	if err != nil {
		return err
	}
	var all []receipt.Signed
	for _, a := range fs.Args() {
		text, err := fetch(ctx, a)
		if err != nil {
			return err
		}
		ss, err := receipt.FromText(commentText(text))
		if err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
		all = append(all, ss...)
	}
	rs, err := checkReceipts(all, pub)
	if err != nil {
		return err
	}
	for i, r := range rs {
		printSummary(e.stdout, all[i], r)
	}
	if len(rs) > 1 {
		from := "the release's first receipt"
		if rs[0].Previous != "" {
			from = "a receipt after " + rs[0].Previous
		}
		fmt.Fprintf(e.stdout, "chain: %d receipts of %s, each naming the one before, from %s: intact\n", len(rs), rs[0].Release, from)
	}
	if *offline {
		fmt.Fprintln(e.stdout, "config: not checked against the repository (--offline)")
		return nil
	}
	return checkConfigLayers(ctx, e, *api, e.getenv("GITHUB_TOKEN"), rs)
}

// checkReceipts verifies each receipt under pub and, given several, that
// they form one release's chain in the order given.
func checkReceipts(ss []receipt.Signed, pub ed25519.PublicKey) ([]receipt.Receipt, error) {
	if len(ss) == 1 {
		r, err := receipt.Verify(ss[0], pub)
		if err != nil {
			return nil, fmt.Errorf("receipt %s: %w", ss[0].Digest, err)
		}
		return []receipt.Receipt{r}, nil
	}
	first, err := receipt.Verify(ss[0], pub)
	if err != nil {
		return nil, fmt.Errorf("receipt 1 (%s): %w", ss[0].Digest, err)
	}
	return receipt.VerifyChain(ss, pub, first.Previous)
}

func printSummary(w io.Writer, s receipt.Signed, r receipt.Receipt) {
	fmt.Fprintf(w, "receipt %s: signature good (%s)\n", s.Digest, s.KeyID)
	fmt.Fprintf(w, "  %s · %s · decided %s · golive %s\n", r.Release, r.Point, r.DecidedAt, r.GoliveVersion)
	verdict := "ready"
	if !r.Verdict.Ready {
		verdict = "NOT ready: " + r.Verdict.Title
	}
	fmt.Fprintf(w, "  verdict: %s (%d of %d %s items done or waived)\n", verdict, r.Verdict.Done, r.Verdict.Total, r.Verdict.Phase)
	if g := r.Gate; g != nil {
		answer := "approved"
		if !g.Approved {
			answer = "rejected"
		}
		fmt.Fprintf(w, "  deployment to %s (run %d): %s; rests on %s\n", g.Environment, g.RunID, answer, orNone(r.RestsOn))
	}
	fmt.Fprintf(w, "  head %s, base %s, merge commit %s\n", orNone(r.PR.HeadSHA), orNone(r.PR.BaseSHA), orNone(r.PR.MergeCommit))
	fmt.Fprintf(w, "  config sha256:%s from %d layers\n", r.Config.SHA256, len(r.Config.Layers))
	count := map[string]int{}
	for _, it := range r.Items {
		count[it.Verdict]++
	}
	fmt.Fprintf(w, "  items: %d (%d done, %d waived, %d pending, %d failing, %d later)\n", len(r.Items), count["done"], count["waived"], count["pending"], count["failing"], count["later"])
	for _, so := range r.Signoffs {
		state := "active"
		if !so.Active {
			state = "voided: " + so.Voided
		}
		fmt.Fprintf(w, "  sign-off %s by %s at %s on %s (%s)\n", so.RoleTitle, so.By, so.At, shortSHA(so.HeadSHA), state)
	}
	fmt.Fprintf(w, "  previous: %s\n", orNone(r.Previous))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func shortSHA(s string) string {
	if len(s) > 7 {
		return s[:7]
	}
	return s
}

// readKey reads the public key from a file, a URL or its base64.
func readKey(ctx context.Context, arg string) (ed25519.PublicKey, error) {
	text := arg
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") || fileExists(arg) {
		b, err := fetch(ctx, arg)
		if err != nil {
			return nil, err
		}
		text = string(b)
	}
	return receipt.ParsePublicKey([]byte(text))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// fetch reads a file or a URL, bounded.
func fetch(ctx context.Context, arg string) ([]byte, error) {
	if !strings.HasPrefix(arg, "http://") && !strings.HasPrefix(arg, "https://") {
		f, err := os.Open(arg)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readBounded(f, arg)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, arg, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", arg, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", arg, resp.Status)
	}
	return readBounded(resp.Body, arg)
}

func readBounded(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFetch+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxFetch {
		return nil, fmt.Errorf("read %s: over %d bytes", name, maxFetch)
	}
	return b, nil
}

// commentText takes the Markdown out of a GitHub API answer (one comment
// or a list of them); anything else is read as it is.
func commentText(b []byte) string {
	var one struct {
		Body *string `json:"body"`
	}
	if json.Unmarshal(b, &one) == nil && one.Body != nil {
		return *one.Body
	}
	var list []struct {
		Body string `json:"body"`
	}
	if json.Unmarshal(b, &list) == nil && len(list) > 0 {
		var out strings.Builder
		for _, c := range list {
			out.WriteString(c.Body + "\n")
		}
		return out.String()
	}
	return string(b)
}

// errConfigMismatch means a config layer in a receipt is not the file in
// the repository at the receipt's commit.
var errConfigMismatch = errors.New("config layer does not match the repository")

// checkConfigLayers compares the repository layer each receipt names with
// .github/golive.yml in the repository at the receipt's base commit (the
// default branch golive read it from): the same blob, or both absent.
func checkConfigLayers(ctx context.Context, e *env, api, token string, rs []receipt.Receipt) error {
	if api == "" {
		api = "https://api.github.com/"
	}
	api = strings.TrimSuffix(api, "/") + "/"
	for _, r := range rs {
		ref := r.PR.BaseSHA
		if ref == "" {
			ref = r.PR.MergeCommit
		}
		if ref == "" {
			return fmt.Errorf("receipt of %s at %s names no base or merge commit to check its config against; use --offline", r.Release, r.Point)
		}
		want := ""
		for _, l := range r.Config.Layers {
			if l.Name == ".github/golive.yml" {
				want = l.BlobSHA
			}
		}
		got, err := repoFileSHA(ctx, api, token, r.Repository.Owner, r.Repository.Name, ".github/golive.yml", ref)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%w: %s at %s: the receipt names blob %s, the repository holds %s", errConfigMismatch, r.Release, shortSHA(ref), orNone(want), orNone(got))
		}
		fmt.Fprintf(e.stdout, "config: %s .github/golive.yml at %s is blob %s, as the receipt says\n", r.Release, shortSHA(ref), orNone(got))
	}
	return nil
}

// repoFileSHA reads a file's blob SHA with GET /repos/{o}/{r}/contents/{path}
// at ref; "" when the file does not exist there.
func repoFileSHA(ctx context.Context, api, token, owner, repo, path, ref string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	u := fmt.Sprintf("%srepos/%s/%s/contents/%s?ref=%s", api, owner, repo, path, ref)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("read %s/%s:%s at %s: %w", owner, repo, path, ref, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return "", nil
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("read %s/%s:%s at %s: %s", owner, repo, path, ref, resp.Status)
	}
	var c struct {
		SHA string `json:"sha"`
	}
	b, err := readBounded(resp.Body, u)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return "", fmt.Errorf("read %s/%s:%s at %s: %w", owner, repo, path, ref, err)
	}
	return c.SHA, nil
}
