package traces

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// htmlStyle lays out the page: the chart scrolls on the left, the state
// at the selected step stays in view on the right.
const htmlStyle = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;background:#fff}
header{padding:8px 14px;border-bottom:1px solid #ddd;background:#fafbfc;position:sticky;top:0;z-index:2}
header h1{font-size:16px;margin:0 0 2px 0}
header .msg{font-size:13px;color:#444}
#controls{display:flex;align-items:center;gap:10px;margin-top:6px;font-size:13px}
#slider{flex:1;max-width:700px}
button{font-size:13px;padding:1px 8px}
main{display:flex;align-items:flex-start}
#chart{flex:1;overflow:auto;height:calc(100vh - 92px)}
#state{width:380px;flex:none;height:calc(100vh - 92px);overflow:auto;border-left:1px solid #ddd;padding:8px 12px;box-sizing:border-box;font-size:12px}
#state h2{font-size:14px;margin:4px 0 6px 0}
#state h3{font-size:12px;margin:10px 0 3px 0;color:#555;text-transform:uppercase;letter-spacing:.04em}
#state .desc{font-family:monospace;white-space:pre-wrap;background:#f4f6f8;padding:6px;border-radius:4px;margin-bottom:6px}
#state table{border-collapse:collapse;width:100%;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
#state td{padding:1px 4px;vertical-align:top;word-break:break-all}
#state td.v{text-align:right;white-space:nowrap}
#state tr.changed td{background:#fff1b8;font-weight:bold}
#state .sub{color:#777;font-style:italic;margin:4px 0 1px 0}
.svgtitle{}
.tag{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;margin-right:4px}
.tag.off{background:#9aa3ad;color:#fff}.tag.on{background:#d8f0dd;color:#1d5e2f}
.tag.pend{background:#ffd9a8;color:#7a4000}
`

// htmlScript selects a step: on a click on the chart, with the slider or
// the arrow keys, or from a #step=N fragment; and shows its state.
const htmlScript = `
(function(){
var D=JSON.parse(document.getElementById('data').textContent);
var slider=document.getElementById('slider'),label=document.getElementById('steplabel');
var panel=document.getElementById('statebody');
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
function name(s){return s.short||s.var;}
function show(n){
  n=Math.max(0,Math.min(D.states.length-1,n|0));
  slider.value=n;
  var cur=D.states[n],prev=n>0?D.states[n-1]:cur;
  document.querySelectorAll('.step.sel').forEach(function(e){e.classList.remove('sel');});
  var g=document.getElementById('step-'+n);
  if(g){g.classList.add('sel');}
  var h='';
  if(n===0){label.textContent='initial state';h+='<h2>Initial state</h2>';}
  else{
    var d=D.steps[n-1];
    label.textContent='after step '+n+' of '+(D.states.length-1)+(d.cycle?' (in the repeating part)':'');
    h+='<h2>After step '+n+' (CPU'+d.cpu+')</h2><div class="desc">'+esc(d.title)+'</div>';
  }
  var chg='';
  D.slots.forEach(function(s,i){
    if(cur[i]===prev[i])return;
    var nm=s.kind==='pending'||s.kind==='irqs'?'CPU'+s.cpu+' '+(s.kind==='irqs'?'IRQs enabled':s.var):s.var;
    chg+='<tr class="changed"><td>'+esc(nm)+'</td><td class="v">'+esc(prev[i])+' → '+esc(cur[i])+'</td></tr>';
  });
  if(chg)h+='<h3>Changed by this step</h3><table>'+chg+'</table>';
  var groups=[['Global','-1']];
  for(var k=0;k<D.ncpu;k++){groups.push(['CPU'+k+(D.threads[k]?' ('+D.threads[k]+')':''),String(k)]);}
  groups.forEach(function(gr){
    var rows={irq:'',data:'',local:''},tags='';
    D.slots.forEach(function(s,i){
      if(String(s.cpu)!==gr[1])return;
      var v=cur[i],ch=v!==prev[i],nm=s.var,part='data';
      if(s.kind==='irqs'){tags+='<span class="tag '+(v==='true'?'on':'off')+'">IRQs '+(v==='true'?'on':'off')+'</span>';nm='IRQs enabled';part='irq';}
      if(s.kind==='pending'){if(v==='true'){tags+='<span class="tag pend">'+esc(s.var)+'</span>';}part='irq';}
      if(s.kind==='local'){nm=s.var.replace(/^CPU\d+ /,'');part='local';}
      rows[part]+='<tr'+(ch?' class="changed"':'')+'><td>'+esc(nm)+'</td><td class="v">'+esc(v)+'</td></tr>';
    });
    if(!rows.irq&&!rows.data&&!rows.local)return;
    h+='<h3>'+esc(gr[0])+'</h3><div>'+tags+'</div><table>'+rows.irq+rows.data+'</table>';
    if(rows.local)h+='<div class="sub">locals</div><table>'+rows.local+'</table>';
  });
  panel.innerHTML=h;
  if(g&&!show.init){g.scrollIntoView({block:'nearest',inline:'nearest'});}
  show.init=false;
  history.replaceState(null,'','#step='+n);
}
slider.addEventListener('input',function(){show(+slider.value);});
document.getElementById('prev').onclick=function(){show(+slider.value-1);};
document.getElementById('next').onclick=function(){show(+slider.value+1);};
document.addEventListener('keydown',function(e){
  if(e.key==='ArrowRight'||e.key==='j'){show(+slider.value+1);}
  if(e.key==='ArrowLeft'||e.key==='k'){show(+slider.value-1);}
});
document.querySelectorAll('.step').forEach(function(g){
  g.addEventListener('click',function(){show(+g.getAttribute('data-step'));});
});
var m=/step=(\d+)/.exec(location.hash);
var n0=m?+m[1]:D.states.length-1;
var g0=document.getElementById('step-'+n0);
show(n0);
if(g0){g0.scrollIntoView({block:'center',inline:'nearest'});}
})();
`

// htmlData is the state the page's script shows.
type htmlData struct {
	NCPU    int        `json:"ncpu"`
	Threads []string   `json:"threads"`
	Slots   []Value    `json:"slots"`
	States  [][]string `json:"states"`
	Steps   []htmlStep `json:"steps"`
}

type htmlStep struct {
	CPU   int    `json:"cpu"`
	Title string `json:"title"`
	Cycle bool   `json:"cycle,omitempty"`
}

// WriteHTML renders the chart as one self-contained HTML page: the SVG
// chart, and beside it the full state at the selected step.
func (c *Chart) WriteHTML(w io.Writer) error {
	r := c.Rep
	d := htmlData{NCPU: r.ncpu, Threads: r.threads, Slots: c.Slots, States: c.States}
	for i, s := range append(append([]Step{}, r.Trace...), r.Cycle...) {
		d.Steps = append(d.Steps, htmlStep{CPU: s.CPU, Title: stepTitle(s), Cycle: i >= len(r.Trace)})
	}
	// The states the chart has steps for (a failing step shows the
	// state it started from).
	if len(d.States) > len(d.Steps)+1 {
		d.States = d.States[:len(d.Steps)+1]
	}
	js, err := json.Marshal(d)
	if err != nil {
		return err
	}
	// Keep "</script>" out of the data.
	data := strings.ReplaceAll(string(js), "</", `<\/`)
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	title := fmt.Sprintf("%s %s", r.Verdict, r.Protocol)
	p("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>\n<style>%s</style></head>\n<body>\n", esc(title), htmlStyle)
	p("<header><h1>%s</h1>", esc(title))
	if r.Failure != nil {
		p(`<div class="msg">%s</div>`, esc(r.Failure.Message))
	}
	p(`<div id="controls"><button id="prev" title="previous step (←)">◀</button><input type="range" id="slider" min="0" max="%d" value="%d"><button id="next" title="next step (→)">▶</button><span id="steplabel"></span><span style="color:#777">— click a step, drag the slider or use ←/→</span></div>`,
		len(d.States)-1, len(d.States)-1)
	p("</header>\n<main><div id=\"chart\">\n")
	c.svg(bw)
	p("</div>\n<div id=\"state\"><div id=\"statebody\"></div></div></main>\n")
	p("<script type=\"application/json\" id=\"data\">%s</script>\n", data)
	p("<script>%s</script>\n</body></html>\n", htmlScript)
	return bw.Flush()
}
