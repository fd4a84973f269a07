package receipt

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

func TestCommentRoundTrip(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	s.Hold = &release.Hold{By: "eve", At: t0, Reason: "```\n{\"digest\":\"sha256:fake\"} -->"}
	key := testKey(t, 1)
	sg, b, r := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), key)
	body, err := Comment(sg, r, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxComment {
		t.Fatalf("comment is %d characters, over %d", len(body), MaxComment)
	}
	if !strings.Contains(body, Marker(r.Release, "merge", sg.Digest)) {
		t.Error("comment lacks its marker")
	}
	got, err := FromText("intro\n" + body + "\nouttro")
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d receipts (%v), want 1", len(got), err)
	}
	if _, err := Verify(got[0], key.Public().(ed25519.PublicKey)); err != nil {
		t.Error(err)
	}
	t.Logf("comment of the 162-item receipt: %d characters (limit %d)", len(body), MaxComment)
}

func TestCommentPlainWhenItFits(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	s.Hold = &release.Hold{By: "eve", At: t0, Reason: "```` fence\n{\"digest\":\"sha256:fake\"} --> <script>"}
	key := testKey(t, 1)
	sg, b, r := signed(t, c, s, Point{Kind: KindWindowClosed, ID: "window:24h", At: s.MergedAt.Add(24 * time.Hour), Window: checklist.Phase24h}, facts(), key)
	body, err := Comment(sg, r, b)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, gzipFence) || !strings.Contains(body, "`````json\n") {
		t.Errorf("want a plain block fenced past the reason's backticks:\n%.300s", body)
	}
	got, err := FromText(body)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d receipts (%v), want 1", len(got), err)
	}
	if rr, err := Verify(got[0], key.Public().(ed25519.PublicKey)); err != nil || rr.Hold.Reason != s.Hold.Reason {
		t.Errorf("got %+v, %v", rr.Hold, err)
	}
	t.Logf("24h window receipt comment: %d characters", len(body))
}

func TestCommentCompressesWhatDoesNotFit(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	for id, m := range s.Manual {
		m.By = strings.Repeat("x", 39) // long logins, long links: a receipt over 64 KiB
		m.Via = "https://github.com/acme/shop/issues/43#" + strings.Repeat("y", 400)
		s.Manual[id] = m
	}
	key := testKey(t, 1)
	sg, b, r := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), key)
	if len(b) <= MaxComment {
		t.Fatalf("test receipt is only %d bytes; want one over %d", len(b), MaxComment)
	}
	body, err := Comment(sg, r, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxComment || !strings.Contains(body, gzipFence) {
		t.Fatalf("comment: %d characters, compressed %v", len(body), strings.Contains(body, gzipFence))
	}
	got, err := FromText(body)
	if err != nil || len(got) != 1 || got[0].Digest != sg.Digest {
		t.Fatalf("got %v (%v), want the receipt back", got, err)
	}
	t.Logf("a %d-byte receipt posts as a %d-character comment", len(b), len(body))
}

func TestFromTextRefusesHostileText(t *testing.T) {
	// A valid receipt behind 16 MB of spaces: fine JSON, but more than a
	// receipt may unpack to.
	c := defaultConfig(t)
	s := fullRelease(t, c)
	_, file, _ := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), testKey(t, 1))
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(bytes.Repeat([]byte{' '}, 16<<20))
	zw.Write(file)
	zw.Close()
	for name, text := range map[string]string{
		"gzip bomb":         "```" + gzipFence + "\n" + base64.StdEncoding.EncodeToString(bomb.Bytes()) + "\n```",
		"none":              "just a comment",
		"forged not canon":  `{"digest":"sha256:00", "receipt":{}}`,
		"bad base64":        "```" + gzipFence + "\n!!!!\n```",
		"not gzip":          "```" + gzipFence + "\naGVsbG8=\n```",
		"duplicate members": `{"digest":"sha256:00","digest":"sha256:01"}`,
	} {
		if got, err := FromText(text); err == nil {
			t.Errorf("%s: got %d receipts, want an error", name, len(got))
		}
	}
}
