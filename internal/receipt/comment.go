package receipt

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxComment is the longest comment body golive posts. GitHub refuses
// bodies over 65,536 characters; a receipt whose JSON does not fit is
// posted gzipped and base64-encoded (a 162-item receipt fits either way
// once compressed; see docs/compliance.md).
const MaxComment = 65536

// markerPrefix starts the hidden marker of a receipt comment.
const markerPrefix = "<!-- golive:receipt "

// gzipFence is the info string of a compressed receipt's code block.
const gzipFence = "golive-receipt-gzip-base64"

// Marker is the hidden line that names a receipt comment: the release, the
// decision point and the digest. golive reads it back to post each
// point's receipt once, whatever Redis remembers.
func Marker(release, point, digest string) string {
	return markerPrefix + "release=" + safe(release) + " point=" + safe(point) + " digest=" + safe(digest) + " -->"
}

// safe keeps the characters a marker field may hold, so no text a person
// chose (an environment's name) can end the HTML comment.
func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":._/#-", r) {
			return r
		}
		return '_'
	}, s)
}

// Comment is the tracking-issue comment that publishes a signed receipt:
// the marker, a line for people, and the signed JSON collapsed in a
// <details> block. It fails when even the compressed form is too long.
func Comment(s Signed, r Receipt, encoded []byte) (string, error) {
	var b strings.Builder
	b.WriteString(Marker(r.Release, r.Point, s.Digest) + "\n")
	fmt.Fprintf(&b, "**golive decision receipt** · %s · %s · `%s`\n\n", kindTitle(r), verdictWord(r), s.Digest)
	b.WriteString("<details><summary>Signed receipt (RFC 8785 JSON, Ed25519 " + s.KeyID + "). Check it with <code>golive verify</code>; see docs/compliance.md.</summary>\n\n")
	head := b.String()
	fence := strings.Repeat("`", max(3, longestRun(encoded, '`')+1))
	plain := head + fence + "json\n" + string(encoded) + "\n" + fence + "\n\n</details>\n"
	if len(plain) <= MaxComment {
		return plain, nil
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(encoded)
	zw.Close()
	enc := base64.StdEncoding.EncodeToString(z.Bytes())
	var lines strings.Builder
	for len(enc) > 76 {
		lines.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	lines.WriteString(enc + "\n")
	packed := head + "The receipt is gzipped and base64-encoded: it is too long for a comment as it is.\n\n```" + gzipFence + "\n" + lines.String() + "```\n\n</details>\n"
	if len(packed) > MaxComment {
		return "", fmt.Errorf("receipt %s: %d characters even compressed, over GitHub's %d", s.Digest, len(packed), MaxComment)
	}
	return packed, nil
}

func kindTitle(r Receipt) string {
	switch r.Kind {
	case KindMerge:
		return "merged"
	case KindDeployGate:
		if r.Gate != nil {
			if r.Gate.Approved {
				return "deployment to " + r.Gate.Environment + " approved"
			}
			return "deployment to " + r.Gate.Environment + " rejected"
		}
	case KindWindowClosed:
		return "post-go-live window " + r.Window + " closed"
	}
	return string(r.Kind)
}

func verdictWord(r Receipt) string {
	if r.Verdict.Ready {
		return "ready"
	}
	return "not ready: " + strings.ReplaceAll(r.Verdict.Title, "`", "'")
}

func longestRun(b []byte, c byte) int {
	best, n := 0, 0
	for _, x := range b {
		if x == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// ErrNoReceipt means a comment holds no receipt.
var ErrNoReceipt = errors.New("no receipt in the text")

// FromText finds the signed receipts in a comment body, a Markdown page
// or a file: canonical JSON lines starting {"digest":"sha256:, and
// compressed blocks. It does not verify them.
func FromText(text string) ([]Signed, error) {
	var out []Signed
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(l, `{"digest":"sha256:`):
			s, err := Parse([]byte(l))
			if err != nil {
				return out, err
			}
			out = append(out, s)
		case l == "```"+gzipFence:
			var enc strings.Builder
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
				enc.WriteString(strings.TrimSpace(lines[i]))
			}
			b, err := unpack(enc.String())
			if err != nil {
				return out, err
			}
			s, err := Parse(b)
			if err != nil {
				return out, err
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoReceipt
	}
	return out, nil
}

// maxUnpacked bounds a compressed receipt's size, against a zip bomb.
const maxUnpacked = 16 << 20

func unpack(enc string) ([]byte, error) {
	z, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("compressed receipt: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("compressed receipt: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxUnpacked+1))
	if err != nil {
		return nil, fmt.Errorf("compressed receipt: %w", err)
	}
	if len(b) > maxUnpacked {
		return nil, fmt.Errorf("compressed receipt: over %d bytes unpacked", maxUnpacked)
	}
	return b, nil
}
