package render

import (
	"fmt"
	"strings"
)

// Structure reports the first way body is not a well-formed tracking
// issue as GitHub Flavoured Markdown renders it: a <details> left open,
// nested or without the blank lines that let GitHub render the Markdown
// inside; HTML other than golive's own; a code span that never closes
// (GitHub would print its backticks); a table row with a column too many
// or too few; an item marker that is not at the start of an item line.
// It reads the body only; nil means well-formed.
func Structure(body string) error {
	lines := strings.Split(body, "\n")
	open := 0 // the line of the <details> still open, +1; 0 when none
	cols := 0 // the columns of the table being read; 0 outside a table
	for i, line := range lines {
		n := i + 1
		blank := func(j int) bool { return j < 0 || j >= len(lines) || strings.TrimSpace(lines[j]) == "" }
		switch {
		case strings.HasPrefix(line, "<details>"):
			if open > 0 {
				return fmt.Errorf("line %d: <details> inside the one opened on line %d", n, open)
			}
			if !strings.HasPrefix(line, "<details><summary>") || !strings.HasSuffix(line, "</summary>") || strings.Count(line, "<summary>") != 1 {
				return fmt.Errorf("line %d: <details> without its one-line <summary>: %q", n, line)
			}
			if !blank(i + 1) {
				return fmt.Errorf("line %d: no blank line after <summary>: GitHub would not render the Markdown inside", n)
			}
			open = n
			continue
		case line == "</details>":
			if open == 0 {
				return fmt.Errorf("line %d: </details> closes nothing", n)
			}
			if !blank(i-1) || !blank(i+1) {
				return fmt.Errorf("line %d: </details> without blank lines around it", n)
			}
			open = 0
			continue
		}
		if err := htmlOK(line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if err := spansOK(line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if strings.Contains(line, "<!-- golive:item ") {
			t := strings.TrimLeft(line, " ")
			if !strings.HasPrefix(t, "- [x] <!-- golive:item ") && !strings.HasPrefix(t, "- [ ] <!-- golive:item ") {
				return fmt.Errorf("line %d: an item marker not at the start of an item line: %q", n, line)
			}
		}
		switch {
		case strings.HasPrefix(line, "|"):
			c := cells(line)
			if cols == 0 {
				cols = c
			} else if c != cols {
				return fmt.Errorf("line %d: a table row of %d columns in a table of %d", n, c, cols)
			}
		default:
			cols = 0
		}
	}
	if open > 0 {
		return fmt.Errorf("line %d: <details> never closed", open)
	}
	return nil
}

// htmlOK accepts no '<' that is not escaped, but for golive's hidden
// comments and the summary of a section it folds.
func htmlOK(line string) error {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '<':
			rest := line[i:]
			if !strings.HasPrefix(rest, "<!-- ") {
				return fmt.Errorf("raw HTML %q", rest[:min(len(rest), 20)])
			}
			end := strings.Index(rest, " -->")
			if end < 0 {
				return fmt.Errorf("an HTML comment never closed")
			}
			i += end + len(" -->") - 1
		}
	}
	return nil
}

// spansOK finds every code span closed: a run of backticks outside one
// opens a span that the next run of the same length closes.
func spansOK(line string) error {
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == '\\':
			i += 2
		case c == '`':
			n := run(line, i)
			j := i + n
			for j < len(line) {
				if line[j] != '`' {
					j++
					continue
				}
				if m := run(line, j); m == n {
					break
				} else {
					j += m
				}
			}
			if j >= len(line) {
				return fmt.Errorf("a code span never closed: %q", line[i:])
			}
			i = j + n
		default:
			i++
		}
	}
	return nil
}

func run(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}

// cells counts a table row's columns: its unescaped pipes, less one (a
// pipe splits the row even inside a code span in GFM).
func cells(line string) int {
	pipes := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			pipes++
		}
	}
	return pipes - 1
}
