package traces

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// GitHubEscapeData escapes the message of a GitHub Actions workflow
// command: %, CR and LF.
func GitHubEscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// GitHubEscapeProperty escapes a property value of a workflow command
// (file=, title=): as data, and also : and ,.
func GitHubEscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteGitHub writes the runs as GitHub Actions workflow commands: for
// every run whose status is not RunOK an ::error (::warning for an
// incomplete run) annotation at the line where a CPU is stuck or the
// property fails, then its report folded in a ::group::; and a last line
// that sums up.
func WriteGitHub(w io.Writer, runs []Run) error {
	b := bufio.NewWriter(w)
	failed := 0
	for i := range runs {
		r := &runs[i]
		if r.Status == RunOK {
			continue
		}
		failed++
		file, line, col, title, msg := annotation(r)
		level := "error"
		if r.Status == RunSkipped {
			level = "warning"
		}
		props := "file=" + GitHubEscapeProperty(file)
		if line > 0 {
			props += fmt.Sprintf(",line=%d", line)
			if col > 0 {
				props += fmt.Sprintf(",col=%d", col)
			}
		}
		props += ",title=" + GitHubEscapeProperty(title)
		fmt.Fprintf(b, "::%s %s::%s\n", level, props, GitHubEscapeData(msg))
		fmt.Fprintf(b, "::group::%s\n", GitHubEscapeData(title))
		text := r.text()
		if text == "" {
			text = r.Message + "\n"
		}
		// A line of the report that looked like a workflow command
		// would run as one.
		for _, l := range strings.SplitAfter(text, "\n") {
			if strings.HasPrefix(l, "::") {
				l = " " + l
			}
			b.WriteString(l)
		}
		fmt.Fprintln(b, "::endgroup::")
	}
	fmt.Fprintf(b, "ipicheck: %d %s, %d not ok\n", len(runs), plural(len(runs), "run", "runs"), failed)
	return b.Flush()
}

// annotation is where and what a GitHub annotation of a run says.
func annotation(r *Run) (file string, line, col int, title, msg string) {
	file, line = r.File, 1
	title = fmt.Sprintf("ipicheck: %s (%s)", r.Protocol, r.Name())
	rep := r.Report
	if rep == nil {
		return file, max(r.Line, 1), r.Col, title + ": spec error", r.Message
	}
	title += ": " + rep.Verdict
	msg = rep.Verdict
	if f := rep.Failure; f != nil {
		if f.Kind == "deadlock" || f.Kind == "hang" {
			msg += ": " + f.Message
		} else {
			msg += ": " + failureLine(f)
		}
		if f.File != "" && f.Line > 0 {
			file, line, col = f.File, f.Line, f.Col
		}
	}
	if rep.Verdict == "INCOMPLETE" {
		msg += ": " + rep.Incomplete
	}
	if len(rep.Uncovered) > 0 {
		msg += ": cover never met: " + strings.Join(rep.Uncovered, "; ")
		if len(rep.UncoveredAt) > 0 && rep.UncoveredAt[0].Line > 0 {
			p := rep.UncoveredAt[0]
			file, line, col = p.File, p.Line, p.Col
		}
	}
	if x := rep.Explanation; x != nil {
		for i, k := range x.Stuck {
			if i == 0 {
				file, line, col = k.File, k.Line, k.Col
			}
			msg += "\n" + stuckText(k)
			if len(k.Values) > 0 {
				msg += " (" + strings.Join(k.Values, ", ") + ")"
			}
		}
	}
	if rep.Expected != nil && !rep.Expected.Met && (rep.Verdict == "VERIFIED" || rep.Verdict == "UNCOVERED") {
		file, line, col = rep.Expected.File, rep.Expected.Line, 0
	}
	if r.Message != "" && r.Status != RunSkipped {
		msg += "\n" + r.Message
	}
	return file, line, col, title, msg
}

// WriteGitHubSummary writes the runs as markdown for
// $GITHUB_STEP_SUMMARY: a table of the runs, then the report of each
// one that is not ok in a collapsed details block.
func WriteGitHubSummary(w io.Writer, runs []Run) error {
	b := bufio.NewWriter(w)
	bad := 0
	for _, r := range runs {
		if r.Status != RunOK {
			bad++
		}
	}
	fmt.Fprintf(b, "### ipicheck: %d %s, %d not ok\n\n", len(runs), plural(len(runs), "run", "runs"), bad)
	fmt.Fprintln(b, "| | Protocol | Params | Verdict | States | Note |")
	fmt.Fprintln(b, "|---|----------|--------|---------|-------:|------|")
	for _, r := range runs {
		mark := map[string]string{RunOK: "✅", RunFailed: "❌", RunSkipped: "⚠️", RunError: "❌"}[r.Status]
		verdict, states := "-", "-"
		if r.Report != nil {
			verdict, states = r.Report.Verdict, fmt.Sprint(r.Report.Stats.States)
		}
		cells := []string{mark, r.Protocol, "`" + r.Name() + "`", verdict, states, r.Message}
		for i, c := range cells {
			cells[i] = strings.NewReplacer("|", "\\|", "\n", " ", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(c)
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
	for i := range runs {
		r := &runs[i]
		if r.Status == RunOK || r.Report == nil {
			continue
		}
		fmt.Fprintf(b, "\n<details><summary>%s (%s): %s</summary>\n\n```\n%s```\n\n</details>\n", r.Protocol, r.Name(), r.Report.Verdict, r.text())
	}
	return b.Flush()
}
