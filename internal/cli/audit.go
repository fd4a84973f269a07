package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/mdtext"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/worker"
)

// controls are the change-management controls a receipt is evidence for;
// docs/compliance.md maps each field to them.
const controls = "SOC 2 CC8.1; ISO/IEC 27001:2022 A.8.32"

// AuditRow is one receipt in an audit export (its JSON form).
type AuditRow struct {
	Release     string   `json:"release"`
	Point       string   `json:"point"`
	Kind        string   `json:"kind"`
	DecidedAt   string   `json:"decided_at"`
	Ready       bool     `json:"ready"`
	Verdict     string   `json:"verdict"`
	HeadSHA     string   `json:"head_sha"`
	MergeCommit string   `json:"merge_commit,omitempty"`
	Config      string   `json:"config_sha256"`
	Signoffs    []string `json:"signoffs"`
	Waivers     []string `json:"waivers"`
	Digest      string   `json:"digest"`
	Previous    string   `json:"previous"`
	Controls    string   `json:"controls"`
}

func runAudit(e *env, args []string) error {
	fs := newFlags(e, "audit", "audit OWNER/REPO [--since DATE] [--format json|csv|md]")
	st := bindSettings(fs, e.getenv)
	since := fs.String("since", "", "list receipts decided on or after this `date` (YYYY-MM-DD or RFC 3339)")
	format := fs.String("format", "md", "output `format`: json, csv or md")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("give one OWNER/REPO")
	}
	if err := st.check(); err != nil {
		return err
	}
	log := app.NewLogger(e.stderr, st.LogLevel, "json")
	sys, err := app.New(e.ctx, &st.Settings, log, worker.Options{Reconcile: -1})
	if err != nil {
		return err
	}
	defer sys.Close()
	key, err := st.ReceiptSigningKey(log)
	if err != nil {
		return err
	}
	return Audit(e.ctx, e.stdout, e.stderr, sys, key.Public().(ed25519.PublicKey), fs.Arg(0), *since, *format)
}

// Audit is `golive audit` on a running golive: it lists the receipts on
// a repository's tracking issues that verify under pub, oldest first.
func Audit(ctx context.Context, stdout, stderr io.Writer, sys *app.App, pub ed25519.PublicKey, repo, sinceArg, format string) error {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return usageErr("repository %q: want OWNER/REPO", repo)
	}
	if !slices.Contains([]string{"json", "csv", "md"}, format) {
		return usageErr("format %q: want json, csv or md", format)
	}
	var since time.Time
	if sinceArg != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, sinceArg); err != nil {
			if since, err = time.Parse(time.DateOnly, sinceArg); err != nil {
				return usageErr("--since %q: want YYYY-MM-DD or an RFC 3339 time", sinceArg)
			}
		}
	}
	ids, err := sys.GitHub().Installations(ctx)
	if err != nil {
		return fmt.Errorf("list installations: %w", err)
	}
	var rows []AuditRow
	found, rejected := false, 0
	for _, id := range ids {
		gh, err := sys.GitHub().For(id)
		if err != nil {
			return err
		}
		repos, err := gh.Repos(ctx)
		if err != nil {
			return err
		}
		if !slices.Contains(repos, owner+"/"+name) {
			continue
		}
		found = true
		// Issues updated since the date: a receipt is a comment, and a
		// comment updates its issue.
		issues, err := gh.ReleaseIssues(ctx, owner, name, since)
		if err != nil {
			return err
		}
		for _, n := range issues {
			bodies, err := gh.CommentBodies(ctx, owner, name, n)
			if err != nil {
				return err
			}
			for _, b := range bodies {
				ss, err := receipt.FromText(b)
				if err != nil {
					continue
				}
				for _, s := range ss {
					r, err := receipt.Verify(s, pub)
					if err != nil || r.Repository.Owner != owner || r.Repository.Name != name {
						rejected++
						continue
					}
					if at, _ := time.Parse(time.RFC3339Nano, r.DecidedAt); at.Before(since) {
						continue
					}
					rows = append(rows, rowOf(s, r))
				}
			}
		}
		break
	}
	if !found {
		return fmt.Errorf("golive is not installed on %s/%s", owner, name)
	}
	if rejected > 0 {
		fmt.Fprintf(stderr, "golive audit: %d receipt%s on %s/%s did not verify under golive's key and %s left out\n", rejected, plural(rejected), owner, name, map[bool]string{true: "was", false: "were"}[rejected == 1])
	}
	return writeAudit(stdout, rows, format)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func rowOf(s receipt.Signed, r receipt.Receipt) AuditRow {
	row := AuditRow{Release: r.Release, Point: r.Point, Kind: string(r.Kind), DecidedAt: r.DecidedAt, Ready: r.Verdict.Ready, Verdict: r.Verdict.Title,
		HeadSHA: r.PR.HeadSHA, MergeCommit: r.PR.MergeCommit, Config: r.Config.SHA256, Digest: s.Digest, Previous: r.Previous, Controls: controls,
		Signoffs: []string{}, Waivers: []string{}}
	if g := r.Gate; g != nil {
		row.Verdict = fmt.Sprintf("deploy to %s %s", g.Environment, map[bool]string{true: "approved", false: "rejected"}[g.Approved])
	}
	for _, so := range r.Signoffs {
		if so.Active {
			row.Signoffs = append(row.Signoffs, so.Role+":"+so.By)
		}
	}
	for _, it := range r.Items {
		if it.Waiver != nil {
			row.Waivers = append(row.Waivers, it.ID+":"+it.Waiver.By)
		}
	}
	return row
}

func writeAudit(w io.Writer, rows []AuditRow, format string) error {
	switch format {
	case "json":
		if rows == nil {
			rows = []AuditRow{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"release", "point", "kind", "decided_at", "ready", "verdict", "head_sha", "merge_commit", "config_sha256", "signoffs", "waivers", "digest", "previous", "controls"})
		for _, r := range rows {
			cw.Write([]string{r.Release, r.Point, r.Kind, r.DecidedAt, fmt.Sprint(r.Ready), csvSafe(r.Verdict), r.HeadSHA, r.MergeCommit, r.Config,
				csvSafe(strings.Join(r.Signoffs, " ")), csvSafe(strings.Join(r.Waivers, " ")), r.Digest, r.Previous, r.Controls})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintln(w, "| release | decision | decided at | verdict | sign-offs | receipt | controls |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | `%s` | %s |\n", mdtext.Cell(r.Release, 200), mdtext.Cell(r.Point, 200), r.DecidedAt, mdtext.Cell(r.Verdict, 200),
			mdtext.Cell(strings.Join(r.Signoffs, ", "), 400), r.Digest, r.Controls)
	}
	return nil
}

// csvSafe keeps a cell a spreadsheet would run as a formula inert.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
