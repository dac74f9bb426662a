package traces

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"
)

// svgStyle is the style sheet of the chart, inside the SVG so that the
// file stands alone.
const svgStyle = `
.msc text{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px;fill:#1d1d1f}
.msc .title{font-size:15px;font-weight:bold}
.msc .sub{fill:#555}
.msc .lanehead{font-weight:bold;font-size:13px}
.msc .lanehead.again{fill:#8a929c;font-size:12px}
.msc .lane0{fill:#f7f8fa}.msc .lane1{fill:#ffffff}
.msc .laneline{stroke:#c8ccd2;stroke-width:1}
.msc .irqoff{fill:#9aa3ad;fill-opacity:0.28}
.msc .irqoffedge{fill:#5b6470}
.msc .band{fill:#ffd9a8;fill-opacity:0.55;stroke:#e08a1e;stroke-width:1.2}
.msc .box{fill:#ffffff;stroke:#7d8793;stroke-width:1}
.msc .box.handler{fill:#fff4e3;stroke:#e08a1e}
.msc .box.irq{fill:#ffe3bd;stroke:#c46f00}
.msc .box.failed{stroke:#c4122f;stroke-width:2}
.msc .chg{fill:#2355a0}
.msc .num{font-weight:bold}
.msc .pos{fill:#666;font-size:11px}
.msc .rowline{stroke:#e3e6ea;stroke-width:1}
.msc .cycle{fill:#efe6ff;fill-opacity:0.6;stroke:#7b4fd0;stroke-dasharray:5 3}
.msc .bracket{fill:none;stroke:#7b4fd0;stroke-width:2}
.msc .repeat{fill:#5a2fb0;font-weight:bold}
.msc .arrow{fill:none;stroke:#1f6feb;stroke-width:1.8}
.msc .arrow.lost{stroke:#c4122f;stroke-dasharray:6 3}
.msc .arrowlabel{fill:#1f6feb;font-size:11px;font-weight:bold}
.msc .arrowlabel.lost{fill:#c4122f}
.msc .cross{stroke:#c4122f;stroke-width:2.5}
.msc .end.stuck{fill:#fde8eb;stroke:#c4122f;stroke-width:1.5}
.msc .end.finished{fill:#e6f6ea;stroke:#2d8a46}
.msc .endtext.stuck{fill:#8a0d21}
.msc .step{cursor:pointer}
.msc .step.sel .box{stroke:#1f6feb;stroke-width:3}
.msc .step:hover .box{stroke-width:2}
`

// WriteSVG renders the chart as a standalone SVG document.
func (c *Chart) WriteSVG(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	c.svg(bw)
	return bw.Flush()
}

func esc(s string) string { return html.EscapeString(s) }

// svg writes the <svg> element.
func (c *Chart) svg(w *bufio.Writer) {
	L := c.layout()
	r := c.Rep
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	// Title.
	title := fmt.Sprintf("%s  %s", r.Verdict, r.Protocol)
	var ps []string
	for _, pa := range r.params {
		ps = append(ps, pa.Name+"="+pa.String())
	}
	if len(ps) > 0 {
		title += "  (" + strings.Join(ps, " ") + ")"
	}
	msg := ""
	if r.Failure != nil {
		msg = r.Failure.Message
		if r.Failure.Kind != "deadlock" && r.Failure.Kind != "hang" {
			msg = r.Failure.Kind + ": " + msg
		}
	}
	// Wide enough for the title and the message.
	width := max(L.width, int(float64(len([]rune(title)))*9.2)+20, int(float64(len([]rune(msg)))*mscCharW)+20)
	p(`<svg xmlns="http://www.w3.org/2000/svg" class="msc" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", width, L.height, width, L.height)
	p("<style>%s</style>\n", svgStyle)
	p(`<defs><marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f6feb"/></marker></defs>` + "\n")
	p(`<text class="title" x="10" y="20">%s</text>`+"\n", esc(title))
	if msg != "" {
		p(`<text class="sub" x="10" y="38">%s</text>`+"\n", esc(msg))
	}
	c.legend(w, L)
	// Lanes.
	bottom := L.endY + L.endH + 6
	for k := range L.ncpu {
		x := c.laneX(k)
		p(`<rect class="lane%d" x="%d" y="%d" width="%d" height="%d"/>`+"\n", k%2, x, mscHeader-26, mscLaneW, bottom-mscHeader+26)
		p(`<text class="lanehead" x="%d" y="%d">%s</text>`+"\n", x+8, mscHeader-10, esc(L.lanes[k]))
		p(`<line class="laneline" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", x, mscHeader-26, x, bottom)
	}
	p(`<line class="laneline" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", c.laneX(L.ncpu), mscHeader-26, c.laneX(L.ncpu), bottom)
	p(`<text class="pos" x="8" y="%d">#   line</text>`+"\n", mscHeader-10)
	for _, y := range L.heads {
		for k := range L.ncpu {
			p(`<text class="lanehead again" x="%d" y="%d">%s</text>`+"\n", c.laneX(k)+8, y+14, esc(L.lanes[k]))
		}
	}
	// The repeating part.
	if len(r.Cycle) > 0 {
		first := L.rows[len(r.Trace)]
		last := L.rows[len(L.rows)-1]
		y0, y1 := first.y-3, last.y+last.h+3
		x1 := c.laneX(L.ncpu)
		p(`<rect class="cycle" x="4" y="%d" width="%d" height="%d"/>`+"\n", y0, x1-4, y1-y0)
		bx := x1 + 14
		p(`<path class="bracket" d="M%d,%d h10 V%d h-10"/>`+"\n", bx, y0, y1)
		p(`<text class="repeat" x="%d" y="%d">repeats</text>`+"\n", bx+16, (y0+y1)/2-2)
		p(`<text class="repeat" x="%d" y="%d">forever</text>`+"\n", bx+16, (y0+y1)/2+13)
		p(`<text class="pos" x="%d" y="%d">steps %d–%d</text>`+"\n", bx+16, (y0+y1)/2+29, first.step.N, last.step.N)
	}
	// IRQs-off spans.
	for k := range L.ncpu {
		for _, sp := range c.irqOff(L, k) {
			x := c.laneX(k)
			p(`<rect class="irqoff" x="%d" y="%d" width="%d" height="%d"><title>CPU%d: IRQs off</title></rect>`+"\n", x+1, sp[0], mscLaneW-2, sp[1]-sp[0], k)
			p(`<rect class="irqoffedge" x="%d" y="%d" width="2" height="%d"/>`+"\n", x+1, sp[0], sp[1]-sp[0])
		}
	}
	// Handler bands.
	for _, b := range L.bands {
		x := c.laneX(b.cpu) + mscPad + (b.depth-1)*mscIndent
		y0 := mscHeader - 4
		if b.enter >= 0 {
			y0 = L.rows[b.enter].y - 2
		}
		y1 := L.endY + L.endH + 2
		if b.exit >= 0 {
			y1 = L.rows[b.exit].y + L.rows[b.exit].h + 2
		}
		p(`<rect class="band" x="%d" y="%d" width="%d" height="%d" rx="4"><title>CPU%d in %s handler (level %d)</title></rect>`+"\n",
			x, y0, mscLaneW-mscPad-2-(x-c.laneX(b.cpu)), y1-y0, b.cpu, esc(b.name), c.Levels[b.name])
	}
	// Steps.
	for _, row := range L.rows {
		c.stepSVG(w, row)
	}
	// End of the trace.
	if r.Explanation != nil {
		label := "end"
		if len(r.Cycle) > 0 {
			label = "hung"
		}
		p(`<text class="num" x="8" y="%d">%s</text>`+"\n", L.rowY(len(L.rows))+4, label)
		for k := range L.ncpu {
			if L.endKind[k] == "" {
				continue
			}
			x := c.laneX(k) + mscPad
			p(`<rect class="end %s" x="%d" y="%d" width="%d" height="%d" rx="4"/>`+"\n", L.endKind[k], x, L.endY, mscLaneW-2*mscPad, L.endH)
			for i, l := range L.endText[k] {
				p(`<text class="endtext %s" x="%d" y="%d">%s</text>`+"\n", L.endKind[k], x+mscPad, L.endY+mscPad+mscLineH*(i+1)-2, esc(l))
			}
		}
	}
	// Arrows, on top.
	for _, a := range L.arrows {
		c.arrowSVG(w, L, a)
	}
	p("</svg>\n")
}

// legend explains the shading, top right.
func (c *Chart) legend(w *bufio.Writer, L *mscLayout) {
	x := 10
	y := 50
	fmt.Fprintf(w, `<g class="legend"><rect class="irqoff" x="%d" y="%d" width="14" height="12"/><text class="pos" x="%d" y="%d">IRQs off</text>`, x, y, x+18, y+10)
	x += 90
	fmt.Fprintf(w, `<rect class="band" x="%d" y="%d" width="14" height="12"/><text class="pos" x="%d" y="%d">interrupt handler</text>`, x, y, x+18, y+10)
	x += 150
	fmt.Fprintf(w, `<line class="arrow" x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#ah)"/><text class="pos" x="%d" y="%d">IPI taken</text>`, x, y+6, x+22, y+6, x+26, y+10)
	x += 100
	fmt.Fprintf(w, `<line class="arrow lost" x1="%d" y1="%d" x2="%d" y2="%d"/><path class="cross" d="M%d,%d l8,8 M%d,%d l-8,8"/><text class="pos" x="%d" y="%d">lost / never taken</text></g>`+"\n",
		x, y+6, x+18, y+6, x+18, y+2, x+26, y+2, x+30, y+10)
}

// irqOff returns the vertical spans where CPU k has IRQs off.
func (c *Chart) irqOff(L *mscLayout, k int) [][2]int {
	var spans [][2]int
	start := -1
	seen := false
	for i, row := range L.rows {
		s := row.step
		if s.CPU != k {
			continue
		}
		if !seen {
			seen = true
			if !s.IRQsBefore {
				start = mscHeader - 4
			}
		}
		switch {
		case s.IRQsBefore && !s.IRQsAfter && start < 0:
			start = L.rowY(i)
		case !s.IRQsBefore && s.IRQsAfter && start >= 0:
			spans = append(spans, [2]int{start, L.rowY(i)})
			start = -1
		}
	}
	if !seen && c.Rep.Explanation != nil {
		for _, st := range c.Rep.Explanation.Stuck {
			if st.CPU == k && !st.IRQsOn {
				start = mscHeader - 4
			}
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, L.endY + L.endH + 2})
	}
	return spans
}

// stepTitle is a step's hover text: where it is, and what it read and
// changed.
func stepTitle(s Step) string {
	var b strings.Builder
	ctx := "task " + s.Thread
	if s.Context != "task" {
		ctx = s.Context + " handler"
	}
	fmt.Fprintf(&b, "step %d  CPU%d (%s)  %s:%d:%d\n%s", s.N, s.CPU, ctx, s.File, s.Line, s.Col, s.Text)
	if s.Function != "" {
		fmt.Fprintf(&b, "\nin %s()", strings.ReplaceAll(s.Function, " > ", "() > "))
	}
	if s.Outcome != "" {
		fmt.Fprintf(&b, "\noutcome: %s", s.Outcome)
	}
	if s.IRQsBefore != s.IRQsAfter {
		fmt.Fprintf(&b, "\nirqs: %s → %s", onOff(s.IRQsBefore), onOff(s.IRQsAfter))
	}
	if len(s.Reads) > 0 {
		fmt.Fprintf(&b, "\nread: %s", strings.Join(s.Reads, ", "))
	}
	if len(s.Changes) > 0 {
		b.WriteString("\nchanged:")
		for _, ch := range s.Changes {
			v := ch.Var
			if ch.Kind == "pending" || ch.Kind == "irqs" {
				v = fmt.Sprintf("CPU%d %s", ch.CPU, ch.Var)
			}
			if ch.Old == ch.New {
				fmt.Fprintf(&b, "\n  %s = %s (unchanged)", v, ch.New)
			} else {
				fmt.Fprintf(&b, "\n  %s: %s → %s", v, ch.Old, ch.New)
			}
		}
	}
	if s.Finished {
		b.WriteString("\nthe thread finishes")
	}
	if s.Failed {
		b.WriteString("\nthis step fails")
	}
	return b.String()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// stepSVG draws one step.
func (c *Chart) stepSVG(w *bufio.Writer, row mscRow) {
	s := row.step
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p(`<g class="step" id="step-%d" data-step="%d"><title>%s</title>`+"\n", s.N, s.N, esc(stepTitle(s)))
	p(`<line class="rowline" x1="4" y1="%d" x2="%d" y2="%d"/>`, row.y-2, c.laneX(c.Rep.ncpu), row.y-2)
	ty := row.y + mscPad + mscLineH - 3
	p(`<text class="num" x="8" y="%d">%d</text>`, ty, s.N)
	pos := fmt.Sprint(s.Line)
	if s.File != c.Rep.File {
		pos = strings.TrimSuffix(s.File, ".ipi") + ":" + pos
	}
	p(`<text class="pos" x="%d" y="%d" text-anchor="end">%s</text>`+"\n", mscGutter-6, ty, esc(pos))
	x := c.laneX(s.CPU) + mscPad + row.depth*mscIndent
	bw := mscLaneW - 2*mscPad - row.depth*mscIndent
	cls := "box"
	switch {
	case s.Kind != "step":
		cls += " irq"
	case s.Context != "task":
		cls += " handler"
	}
	if s.Failed {
		cls += " failed"
	}
	p(`<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="3"/>`+"\n", cls, x, row.y, bw, row.h)
	for i, l := range row.lines {
		attr := ""
		tx := x + mscPad
		if strings.HasPrefix(l, "\x00") {
			l = l[1:]
			attr = ` class="chg"`
			tx += 10
		}
		p(`<text%s x="%d" y="%d">%s</text>`+"\n", attr, tx, row.y+mscPad+mscLineH*(i+1)-3, esc(l))
	}
	p("</g>\n")
}

// arrowSVG draws a raised line.
func (c *Chart) arrowSVG(w *bufio.Writer, L *mscLayout, a mscArrow) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	y0, y1 := L.rowY(a.from), L.rowY(a.to)
	var x0, x1 int
	var d string
	lx, ly := 0, 0
	if a.cpu == a.fromCPU {
		x0 = c.laneX(a.cpu) + mscLaneW - 4
		x1 = x0
		d = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x0, y0, x0+40, y0, x1+40, y1, x1, y1)
		lx, ly = x0+10, (y0+y1)/2
	} else {
		// Across at the raising step's height (no other CPU has a box
		// there), down the target lane's edge, into the target.
		var edge int
		if a.cpu > a.fromCPU {
			x0 = c.laneX(a.fromCPU) + mscLaneW - 4
			edge = c.laneX(a.cpu) + 3
			x1 = c.laneX(a.cpu) + mscPad + mscIndent
			if a.lost && a.to == len(L.rows) {
				x1 = c.laneX(a.cpu) + 40
			}
		} else {
			x0 = c.laneX(a.fromCPU) + 4
			edge = c.laneX(a.cpu) + mscLaneW - 3
			x1 = c.laneX(a.cpu) + mscLaneW - mscPad - mscIndent
			if a.lost && a.to == len(L.rows) {
				x1 = c.laneX(a.cpu) + mscLaneW - 40
			}
		}
		if a.lost && a.to == len(L.rows) {
			y1 = L.endY - 10
		} else if !a.lost {
			// Into the box's edge.
			if a.cpu > a.fromCPU {
				x1 = c.laneX(a.cpu) + mscPad + L.rows[a.to].depth*mscIndent
			} else {
				x1 = c.laneX(a.cpu) + mscLaneW - mscPad
			}
		}
		d = fmt.Sprintf("M%d,%d H%d V%d H%d", x0, y0, edge, y1, x1)
		lx, ly = (x0+edge)/2, y0-4
	}
	cls := "arrow"
	if a.lost {
		cls += " lost"
	}
	tip := fmt.Sprintf("CPU%d %s raised at step %d", a.cpu, a.line, L.rows[a.from].step.N)
	if a.lost {
		tip += ": " + a.lostReason
	} else {
		tip += fmt.Sprintf(", taken at step %d", L.rows[a.to].step.N)
	}
	p(`<g><title>%s</title>`, esc(tip))
	if a.lost {
		p(`<path class="%s" d="%s"/>`, cls, d)
		p(`<path class="cross" d="M%d,%d l12,12 M%d,%d l-12,12"/>`, x1-6, y1-6, x1+6, y1-6)
		label := a.line + " " + a.lostReason
		anchor, lx := "start", x1+12
		if a.cpu < a.fromCPU {
			anchor, lx = "end", x1-12
		}
		p(`<text class="arrowlabel lost" x="%d" y="%d" text-anchor="%s">%s</text>`, lx, y1+4, anchor, esc(label))
	} else {
		p(`<path class="%s" d="%s" marker-end="url(#ah)"/>`, cls, d)
		p(`<text class="arrowlabel" x="%d" y="%d" text-anchor="middle">%s</text>`, lx, ly, esc(a.line))
	}
	p("</g>\n")
}
