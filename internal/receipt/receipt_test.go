package receipt

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func defaultConfig(t testing.TB) *checklist.Config {
	t.Helper()
	c, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testKey(t testing.TB, b byte) ed25519.PrivateKey {
	t.Helper()
	k, err := KeyFromSeed(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fullRelease is a merged release of the default checklist with evidence
// on every item: the largest receipt the default config makes.
func fullRelease(t testing.TB, c *checklist.Config) *release.State {
	t.Helper()
	s := release.New(release.Key{Owner: "acme", Repo: "shop", PR: 42})
	s.Title, s.Author, s.HeadRef, s.BaseRef = "Release 2.3.0", "alice", "release/2.3.0", "main"
	s.HeadSHA, s.HeadTree, s.Issue = strings.Repeat("a", 40), strings.Repeat("b", 40), 43
	s.URL = "https://github.com/acme/shop/pull/42"
	s.Checks, s.Deploys, s.Manual, s.Probes, s.Waivers = map[string]release.CheckResult{}, map[string]release.DeployResult{}, map[string]release.Tick{}, map[string]release.ProbeHistory{}, map[string]release.Waiver{}
	at := t0
	for i, e := range c.Flatten() {
		at = at.Add(time.Second)
		it := e.Item
		switch it.Source() {
		case checklist.SourceManual:
			s.Manual[it.ID] = release.Tick{By: "bob", At: at, SHA: s.HeadSHA, Via: "https://github.com/acme/shop/issues/43#issuecomment-" + fmt.Sprint(1000+i)}
		case checklist.SourceCheck:
			name := strings.ReplaceAll(it.Evidence.Check.Name, "*", "x")
			s.Checks[name+"@"+s.HeadSHA] = release.CheckResult{Name: name, Kind: "check_run", ID: int64(5000 + i), SHA: s.HeadSHA, Status: "completed", Conclusion: "success",
				URL: fmt.Sprintf("https://github.com/acme/shop/runs/%d", 5000+i), At: at}
		case checklist.SourceDeployment:
			env := it.Evidence.Deployment.Environment
			s.Deploys[env] = release.DeployResult{Environment: env, DeploymentID: int64(7000 + i), SHA: s.HeadSHA, State: "success", Creator: "deployer", At: at}
		case checklist.SourceProbe:
			s.Probes[it.ID] = release.ProbeHistory{}
		}
	}
	s.Status, s.MergedAt = release.StatusMerged, at.Add(time.Hour)
	for id := range s.Probes {
		s.Probes[id] = release.ProbeHistory{Last: release.ProbeResult{At: s.MergedAt.Add(-time.Minute), OK: true, Latency: 80 * time.Millisecond, Detail: "200 OK"}}
	}
	for i, r := range c.Roles {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: r.ID, By: fmt.Sprintf("signer%d", i), At: at.Add(time.Duration(i) * time.Minute), SHA: s.HeadSHA, Tree: s.HeadTree,
			CommentID: int64(9000 + i), URL: fmt.Sprintf("https://github.com/acme/shop/pull/42#issuecomment-%d", 9000+i)})
	}
	s.Audit = append(s.Audit, release.AuditEntry{At: t0, Actor: "carol", Action: "held", Detail: "waiting for the payment provider"},
		release.AuditEntry{At: t0.Add(time.Hour), Actor: "carol", Action: "unheld", Detail: "hold by carol lifted"})
	return s
}

func facts() Facts {
	return Facts{RepoID: 1296269, BaseSHA: strings.Repeat("c", 40), MergeCommit: strings.Repeat("d", 40), Version: "v1.0.0",
		Layers: []Layer{LayerOf(checklist.DefaultName, []byte("built-in")), LayerOf(".github/golive.yml", []byte("version: 1\n"))}}
}

func signed(t testing.TB, c *checklist.Config, s *release.State, p Point, f Facts, key ed25519.PrivateKey) (Signed, []byte, Receipt) {
	t.Helper()
	r, err := Build(c, s, p, f)
	if err != nil {
		t.Fatal(err)
	}
	sg, b, err := Sign(r, key)
	if err != nil {
		t.Fatal(err)
	}
	return sg, b, r
}

func TestReceiptOfFullRelease(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	key := testKey(t, 1)
	sg, b, r := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), key)
	if n := len(r.Items); n != 162 {
		t.Errorf("items: got %d, want the default checklist's 162", n)
	}
	if !r.Verdict.Ready || len(r.Verdict.Missing) != 0 {
		t.Errorf("verdict: got %+v, want ready", r.Verdict)
	}
	if len(r.Signoffs) != len(c.Roles) || r.Signoffs[0].GrantedBy.Teams == nil {
		t.Errorf("signoffs: got %+v", r.Signoffs)
	}
	if len(r.HoldHistory) != 2 || r.HoldHistory[0].Action != "held" {
		t.Errorf("hold history: got %+v", r.HoldHistory)
	}
	if sg.Digest != Digest(sg.Receipt) || !strings.HasPrefix(sg.Digest, "sha256:") {
		t.Errorf("digest %s does not name the receipt", sg.Digest)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(back, key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("receipt after a round trip (-want +got):\n%s", diff)
	}
	t.Logf("receipt of the 162-item default release: %d bytes signed file, %d bytes canonical receipt", len(b), len(sg.Receipt))
}

func TestBuildIsDeterministic(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	p := Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}
	a, _, _ := signed(t, c, s, p, facts(), testKey(t, 1))
	b, _, _ := signed(t, c, s.Clone(), p, facts(), testKey(t, 1))
	if a.Digest != b.Digest {
		t.Errorf("the same decision made two digests: %s, %s", a.Digest, b.Digest)
	}
}

func TestMergeReceiptRecordsABlockedMerge(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	delete(s.Manual, firstManual(c))
	s.Waivers["incident-response-plan-documented"] = release.Waiver{By: "dana", At: t0, Reason: "covered by the group plan"}
	_, _, r := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), testKey(t, 1))
	if r.Verdict.Ready || len(r.Verdict.Missing) != 1 || r.Verdict.Missing[0] != firstManual(c) {
		t.Errorf("verdict: got %+v, want blocked on %s", r.Verdict, firstManual(c))
	}
	for _, it := range r.Items {
		if it.ID == "incident-response-plan-documented" && (it.Waiver == nil || it.Waiver.By != "dana" || it.Verdict != "waived") {
			t.Errorf("waived item: got %+v", it)
		}
	}
}

func firstManual(c *checklist.Config) string {
	for _, e := range c.Flatten() {
		if e.Item.Source() == checklist.SourceManual && e.Phase == checklist.PhasePreMerge && e.Item.IsRequired() {
			return e.Item.ID
		}
	}
	return ""
}

func TestVerifyRejectsTampering(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	_, b, _ := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), key)

	t.Run("one byte changed", func(t *testing.T) {
		i := bytes.Index(b, []byte(`"actor":"bob"`)) + len(`"actor":"b`)
		bad := bytes.Clone(b)
		bad[i] = 'x' // bob → bxb
		s, err := Parse(bad)
		if err == nil {
			_, err = Verify(s, pub)
		}
		if !errors.Is(err, ErrDigest) {
			t.Errorf("got %v, want %v", err, ErrDigest)
		}
	})
	t.Run("every byte position", func(t *testing.T) {
		// Any single changed byte fails: parse, canonical form, digest or
		// signature.
		for i := 0; i < len(b); i += 331 {
			bad := bytes.Clone(b)
			bad[i] ^= 0x01
			s, err := Parse(bad)
			if err == nil {
				_, err = Verify(s, pub)
			}
			if err == nil {
				t.Fatalf("byte %d changed (%q): verified", i, b[i])
			}
		}
	})
	t.Run("key id changed", func(t *testing.T) {
		sg, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		sg.KeyID = KeyID(testKey(t, 2).Public().(ed25519.PublicKey))
		if _, err := Verify(sg, pub); !errors.Is(err, ErrSignature) {
			t.Errorf("got %v, want %v", err, ErrSignature)
		}
	})
	t.Run("signed by another key", func(t *testing.T) {
		_, other, _ := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), testKey(t, 2))
		sg, err := Parse(other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(sg, pub); !errors.Is(err, ErrSignature) {
			t.Errorf("got %v, want %v", err, ErrSignature)
		}
	})
	t.Run("re-indented", func(t *testing.T) {
		if _, err := Parse(bytes.ReplaceAll(b, []byte(`,"`), []byte(`, "`))); !errors.Is(err, ErrNotCanonical) {
			t.Errorf("got %v, want %v", err, ErrNotCanonical)
		}
	})
}

func TestVerifyChain(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	var chain []Signed
	prev := ""
	for _, p := range []Point{{Kind: KindMerge, ID: "merge", At: s.MergedAt},
		GatePoint(GateDecision{Environment: "production", RunID: 77, Approved: true}, s.MergedAt.Add(time.Minute)),
		{Kind: KindWindowClosed, ID: "window:24h", At: s.MergedAt.Add(24 * time.Hour), Window: checklist.Phase24h}} {
		f := facts()
		f.Previous = prev
		if p.Kind == KindDeployGate {
			f.RestsOn = RestsOn(chain)
		}
		sg, _, _ := signed(t, c, s, p, f, key)
		chain = append(chain, sg)
		prev = sg.Digest
	}
	rs, err := VerifyChain(chain, pub, "")
	if err != nil {
		t.Fatal(err)
	}
	if rs[1].RestsOn != chain[0].Digest || rs[1].Gate == nil || !rs[1].Gate.Approved {
		t.Errorf("deploy gate receipt: rests on %q, gate %+v; want the merge receipt %s", rs[1].RestsOn, rs[1].Gate, chain[0].Digest)
	}
	if len(rs[2].Items) == 0 || rs[2].Items[0].Phase != "24h" {
		t.Errorf("window receipt items: got %d, first %+v", len(rs[2].Items), rs[2].Items)
	}
	if diff := cmp.Diff([]string{"merge", "deploy:77:production", "window:24h"}, Points(chain)); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
	reordered := []Signed{chain[0], chain[2], chain[1]}
	if _, err := VerifyChain(reordered, pub, ""); !errors.Is(err, ErrChain) {
		t.Errorf("re-ordered chain: got %v, want %v", err, ErrChain)
	}
	if _, err := VerifyChain(chain[1:], pub, ""); !errors.Is(err, ErrChain) {
		t.Errorf("chain without its first receipt: got %v, want %v", err, ErrChain)
	}
	if _, err := VerifyChain(chain[1:], pub, chain[0].Digest); err != nil {
		t.Errorf("chain checked from its second receipt: %v", err)
	}
}

func TestDue(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	open := s.Clone()
	open.Status = release.StatusOpen
	if got := Due(c, open, nil, s.MergedAt.Add(time.Hour)); len(got) != 0 {
		t.Errorf("open release: got %+v, want no point", got)
	}
	ids := func(ps []Point) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if diff := cmp.Diff([]string{"merge"}, ids(Due(c, s, nil, s.MergedAt))); diff != "" {
		t.Errorf("at the merge (-want +got):\n%s", diff)
	}
	if got := Due(c, s, []string{"merge"}, s.MergedAt.Add(24*time.Hour-time.Second)); len(got) != 0 {
		t.Errorf("before the 24h window closes: got %+v", ids(got))
	}
	if diff := cmp.Diff([]string{"window:24h", "window:7d"}, ids(Due(c, s, []string{"merge"}, s.MergedAt.Add(7*24*time.Hour)))); diff != "" {
		t.Errorf("a week on (-want +got):\n%s", diff)
	}
	if got := Due(c, s, []string{"merge", "window:24h", "window:7d", "window:30d"}, s.MergedAt.Add(90*24*time.Hour)); len(got) != 0 {
		t.Errorf("all posted: got %+v", ids(got))
	}
}

func BenchmarkSign162(b *testing.B) {
	c := defaultConfig(b)
	s := fullRelease(b, c)
	key := testKey(b, 1)
	r, err := Build(c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Sign(r, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify162(b *testing.B) {
	c := defaultConfig(b)
	s := fullRelease(b, c)
	key := testKey(b, 1)
	_, file, _ := signed(b, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), key)
	pub := key.Public().(ed25519.PublicKey)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		sg, err := Parse(file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Verify(sg, pub); err != nil {
			b.Fatal(err)
		}
	}
}
