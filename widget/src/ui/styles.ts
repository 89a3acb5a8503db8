// The chat window's CSS (inside the shadow root): the design tokens only the chat uses (the
// launcher's are in ui/launcher.ts). Logical properties (margin-inline-start…), so a panel
// with dir="rtl" is mirrored; the panel's own place follows the widget's position setting. Compact window above 768 px, full screen below; 44 px
// touch targets (48 on phones).

const DARK = `--pw-surface:#25282c;--pw-border:#3d434a;--pw-muted:var(--pw-secondary-d);--pw-bubble-fg:#eceef0;`;

export const CHAT_CSS = `\
.pw-root{--pw-success:#1e7e34;--pw-warning:#ffc107;--pw-error:#c82333;--pw-surface:#f1f3f5;--pw-border:#dee2e6;\
--pw-muted:var(--pw-secondary-l);--pw-bubble-fg:#1f2328;--pw-fs-lg:18px;--pw-fs-xl:20px;\
--pw-s1:4px;--pw-s2:8px;--pw-s3:12px;--pw-s4:16px;--pw-s5:20px;--pw-s6:24px;--pw-s8:32px;\
--pw-r1:4px;--pw-r2:8px;--pw-r3:12px;--pw-r4:20px;--pw-e1:0 1px 2px rgba(0,0,0,.1);--pw-touch:44px}\
.pw-root.pw-dark{${DARK}}\
@media (prefers-color-scheme:dark){.pw-root.pw-auto{${DARK}}}\
.pw-panel{position:fixed;bottom:92px;right:20px;width:370px;height:600px;max-height:calc(100vh - 112px);\
display:flex;flex-direction:column;background:var(--pw-bg);color:var(--pw-fg);border-radius:var(--pw-r3);\
box-shadow:var(--pw-e3);overflow:hidden;opacity:0;visibility:hidden;transform:translateY(16px) scale(.98);\
transform-origin:bottom right;pointer-events:none;\
transition:opacity var(--pw-ease),transform var(--pw-ease),visibility 0s linear .3s}\
.pw-open .pw-panel{opacity:1;visibility:visible;transform:none;pointer-events:auto;\
transition:opacity var(--pw-ease),transform var(--pw-ease),visibility 0s}\
.pw-left .pw-panel{right:auto;left:20px;transform-origin:bottom left}\
.pw-head{display:flex;align-items:center;gap:var(--pw-s3);padding:var(--pw-s3) 0;padding-inline:var(--pw-s4) var(--pw-s2);\
background:var(--pw-accent);color:var(--pw-on-accent);flex:none}\
.pw-avatar{width:40px;height:40px;border-radius:50%;display:grid;place-items:center;flex:none;\
background:rgba(255,255,255,.22);font:700 var(--pw-fs-lg)/1 var(--pw-font);overflow:hidden}\
.pw-avatar img{width:100%;height:100%;object-fit:cover}\
.pw-face{width:20px;height:20px;border-radius:50%;object-fit:cover;vertical-align:middle;margin-inline-end:6px}\
.pw-head-text{flex:1;min-width:0}\
.pw-title{margin:0;font:600 var(--pw-fs-lg)/1.3 var(--pw-font);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\
.pw-sub{margin:0;font-size:var(--pw-fs-sm);line-height:1.4;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\
.pw-icon{width:var(--pw-touch);height:var(--pw-touch);flex:none;display:grid;place-items:center;margin:0;padding:0;\
border:0;border-radius:50%;background:transparent;color:inherit;cursor:pointer}\
.pw-icon:hover{background:rgba(255,255,255,.18)}\
.pw-icon svg,.pw-send svg{width:24px;height:24px;fill:currentColor}\
:where(.pw-root) :is(button,input,select,textarea){font:inherit;color:inherit;letter-spacing:inherit}\
.pw-root :focus-visible{outline:3px solid var(--pw-accent);outline-offset:2px}\
.pw-head :focus-visible{outline-color:var(--pw-on-accent);outline-offset:-3px}\
.pw-notice{padding:var(--pw-s2) var(--pw-s4);background:#f8d7da;color:#721c24;font-size:var(--pw-fs-sm)}\
.pw-banner{padding:var(--pw-s2) var(--pw-s4);background:var(--pw-surface);border-bottom:1px solid var(--pw-border);\
font-size:var(--pw-fs-sm)}\
.pw-banner--warn{background:#fff3cd;color:#533f03}\
.pw-main{flex:1;min-height:0;display:flex;flex-direction:column}\
.pw-log{flex:1;min-height:0;overflow-y:auto;overscroll-behavior:contain;padding:var(--pw-s4);\
display:flex;flex-direction:column;gap:var(--pw-s3)}\
.pw-log:focus-visible{outline-offset:-3px}\
.pw-msg{max-width:85%;display:flex;flex-direction:column;align-items:flex-start;gap:2px;align-self:flex-start}\
.pw-msg--visitor{align-self:flex-end;align-items:flex-end}\
.pw-who{font-size:var(--pw-fs-xs);font-weight:600;color:var(--pw-muted);padding:0 var(--pw-s1)}\
.pw-tag{margin-inline-start:6px;padding:0 4px;border:1px solid currentColor;border-radius:var(--pw-r1);font-size:10px}\
.pw-bubble{padding:10px 14px;border-radius:var(--pw-r4);border-end-start-radius:var(--pw-r1);\
background:var(--pw-surface);color:var(--pw-bubble-fg);white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.45}\
.pw-msg--visitor .pw-bubble{background:var(--pw-accent);color:var(--pw-on-accent);\
border-end-start-radius:var(--pw-r4);border-end-end-radius:var(--pw-r1)}\
.pw-msg[data-state=pending] .pw-bubble{opacity:.75}\
.pw-msg[data-state=streaming] .pw-bubble::after{content:"▍";animation:pw-blink 1s steps(2) infinite}\
.pw-bubble a{color:inherit;text-decoration:underline;text-underline-offset:2px}\
.pw-bubble :is(p,ul,ol){margin:0;white-space:normal}\
.pw-bubble :is(p,ul,ol)+:is(p,ul,ol){margin-top:.5em}\
.pw-bubble :is(ul,ol){padding-inline-start:1.25em}\
.pw-bubble p{white-space:pre-wrap}\
.pw-bubble code{font:.9em ui-monospace,Menlo,Consolas,monospace;padding:0 3px;border-radius:3px;background:rgba(0,0,0,.07)}\
.pw-sources{display:flex;flex-wrap:wrap;gap:2px 6px;padding:0 var(--pw-s1);font-size:var(--pw-fs-xs);color:var(--pw-muted)}\
.pw-sources ul{display:flex;flex-wrap:wrap;gap:2px 8px;margin:0;padding:0;list-style:none}\
.pw-sources a{color:inherit;text-decoration:underline;text-underline-offset:2px}\
.pw-replies{display:flex;flex-wrap:wrap;gap:var(--pw-s2);margin-top:var(--pw-s1)}\
.pw-meta{font-size:var(--pw-fs-xs);color:var(--pw-muted);padding:0 var(--pw-s1)}\
.pw-msg[data-state=failed] .pw-meta{color:var(--pw-error)}\
.pw-note{align-self:center;max-width:90%;text-align:center;font-size:var(--pw-fs-xs);color:var(--pw-muted)}\
.pw-typing{padding:0 var(--pw-s4) var(--pw-s2);font-size:var(--pw-fs-xs);color:var(--pw-muted);font-style:italic}\
.pw-typing::before{content:"";display:inline-block;width:6px;height:6px;margin-inline-end:6px;border-radius:50%;\
background:currentColor;vertical-align:middle;animation:pw-pulse 1s ease-in-out infinite}\
@keyframes pw-pulse{50%{opacity:.2}}\
@keyframes pw-blink{50%{opacity:0}}\
.pw-foot{flex:none;display:flex;flex-direction:column;gap:var(--pw-s2);padding:var(--pw-s3);\
border-top:1px solid var(--pw-border);background:var(--pw-bg)}\
.pw-foot>:empty{display:none}\
.pw-actions{display:flex;gap:var(--pw-s2)}\
.pw-chip{display:inline-flex;align-items:center;gap:6px;min-height:36px;padding:4px 0;padding-inline:10px 14px;margin:0;\
border:1px solid var(--pw-border);border-radius:18px;background:var(--pw-bg);cursor:pointer;\
font-size:var(--pw-fs-sm);font-weight:600}\
.pw-chip:hover{background:var(--pw-surface)}\
.pw-chip svg{width:18px;height:18px;fill:currentColor}\
.pw-composer{display:flex;align-items:flex-end;gap:var(--pw-s2);margin:0}\
.pw-input{flex:1;min-width:0;min-height:var(--pw-touch);max-height:120px;margin:0;padding:10px 14px;resize:none;\
border:1px solid var(--pw-border);border-radius:22px;background:var(--pw-bg);line-height:1.45;font-size:var(--pw-fs-md)}\
.pw-input::placeholder{color:var(--pw-muted);opacity:1}\
.pw-send{width:var(--pw-touch);height:var(--pw-touch);flex:none;display:grid;place-items:center;margin:0;padding:0;\
border:0;border-radius:50%;background:var(--pw-accent);color:var(--pw-on-accent);cursor:pointer}\
.pw-btn{min-height:var(--pw-touch);padding:0 var(--pw-s5);margin:0;border:0;border-radius:22px;\
background:var(--pw-accent);color:var(--pw-on-accent);font-weight:600;cursor:pointer}\
.pw-btn:disabled{opacity:.6;cursor:progress}\
.pw-btn--ghost{background:transparent;color:var(--pw-fg);border:1px solid var(--pw-border)}\
.pw-link{margin-inline-start:6px;padding:0;border:0;background:none;text-decoration:underline;cursor:pointer;font-weight:600}\
.pw-form{display:flex;flex-direction:column;gap:var(--pw-s3);margin:0}\
.pw-prechat{flex:1;overflow-y:auto;padding:var(--pw-s4) var(--pw-s5)}\
.pw-intro{margin:0 0 var(--pw-s1)}\
.pw-field label{display:block;margin-bottom:var(--pw-s1);font-size:var(--pw-fs-sm);font-weight:600}\
.pw-field input,.pw-field select,.pw-field textarea{display:block;width:100%;min-height:var(--pw-touch);margin:0;\
padding:10px 12px;border:1px solid #767f88;border-radius:var(--pw-r2);background:var(--pw-bg)}\
.pw-field [aria-invalid=true]{border-color:var(--pw-error);box-shadow:0 0 0 1px var(--pw-error)}\
.pw-err{margin:var(--pw-s1) 0 0;color:var(--pw-error);font-size:13px}\
.pw-dark .pw-err,.pw-dark .pw-msg[data-state=failed] .pw-meta{color:#ff8a94}\
.pw-card{margin:0;padding:var(--pw-s3) var(--pw-s4);border-radius:var(--pw-r3);background:var(--pw-surface)}\
.pw-card p{margin:0 0 var(--pw-s2)}\
.pw-card-title{font-weight:600}\
.pw-home{flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:var(--pw-s3);padding:var(--pw-s4)}\
.pw-convs{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:var(--pw-s2)}\
.pw-conv{display:flex;align-items:center;gap:var(--pw-s2)}\
.pw-conv-open{flex:1;min-width:0;display:flex;flex-direction:column;align-items:flex-start;gap:2px;margin:0;\
padding:var(--pw-s2) var(--pw-s3);border:1px solid var(--pw-border);border-radius:var(--pw-r2);background:var(--pw-bg);\
text-align:start;cursor:pointer}\
.pw-conv-open[aria-current=true]{border-color:var(--pw-accent)}\
.pw-conv-text{max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\
.pw-conv-meta{font-size:var(--pw-fs-xs);color:var(--pw-muted)}\
.pw-inline{flex-direction:row;align-items:flex-end}\
.pw-inline .pw-field{flex:1;min-width:0}\
.pw-row{display:flex;gap:var(--pw-s2)}\
.pw-check{display:flex;align-items:center;gap:var(--pw-s2);min-height:var(--pw-touch);margin-bottom:var(--pw-s2);cursor:pointer}\
.pw-check input{width:18px;height:18px;margin:0;accent-color:var(--pw-accent)}\
.pw-stars{display:flex;gap:2px;margin-bottom:var(--pw-s2)}\
.pw-star{width:var(--pw-touch);height:var(--pw-touch);display:grid;place-items:center;margin:0;padding:0;border:0;\
border-radius:50%;background:transparent;color:#b07800;cursor:pointer}\
.pw-star svg{width:30px;height:30px;fill:none;stroke:currentColor;stroke-width:1.6}\
.pw-stars:hover .pw-star svg,.pw-stars:focus-within .pw-star svg{fill:currentColor}\
.pw-star:hover~.pw-star svg,.pw-star:focus~.pw-star svg{fill:none}\
.pw-ended .pw-btn{width:100%}\
.pw-composer .pw-attach{color:var(--pw-muted)}\
.pw-composer .pw-attach:hover{background:var(--pw-surface)}\
.pw-attach svg{width:24px;height:24px;fill:currentColor}\
.pw-dropping{outline:3px dashed var(--pw-accent);outline-offset:-6px}\
.pw-tray,.pw-files{display:flex;flex-wrap:wrap;gap:var(--pw-s2);margin:0;padding:0;list-style:none}\
.pw-files{margin-top:2px}\
.pw-msg--visitor .pw-files{justify-content:flex-end}\
.pw-file{position:relative;display:flex;flex-direction:column;align-items:flex-start;gap:2px;max-width:220px;min-height:var(--pw-touch);\
margin:0;padding:6px 12px;border:1px solid var(--pw-border);border-radius:var(--pw-r2);background:var(--pw-bg);\
text-align:start;font-size:var(--pw-fs-sm)}\
button.pw-file{cursor:pointer}\
button.pw-file:hover{background:var(--pw-surface)}\
.pw-tray .pw-file{padding-inline-end:calc(var(--pw-touch) + 4px)}\
.pw-file-name{max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}\
.pw-file-meta{font-size:var(--pw-fs-xs);color:var(--pw-muted)}\
.pw-file progress{width:100%;height:6px;accent-color:var(--pw-accent)}\
.pw-file--done progress{display:none}\
.pw-file-err{font-size:var(--pw-fs-xs);color:var(--pw-error)}\
.pw-file-err:empty{display:none}\
.pw-file-x{position:absolute;top:0;inset-inline-end:0;color:var(--pw-muted)}\
.pw-file-x svg{width:18px;height:18px;fill:currentColor}\
.pw-file--failed{border-color:var(--pw-error)}\
.pw-thumb{display:block;margin:0;padding:0;border:1px solid var(--pw-border);border-radius:var(--pw-r2);overflow:hidden;\
background:var(--pw-surface);cursor:zoom-in;min-width:var(--pw-touch);min-height:var(--pw-touch)}\
.pw-thumb img{display:block;max-width:200px;max-height:160px;object-fit:cover}\
.pw-why{font-weight:600}\
.pw-viewer{position:absolute;inset:0;z-index:2;display:flex;flex-direction:column;gap:var(--pw-s3);padding:var(--pw-s4);\
background:var(--pw-bg)}\
.pw-viewer-img{flex:1;min-height:0;display:grid;place-items:center}\
.pw-viewer-img img{max-width:100%;max-height:100%;object-fit:contain}\
.pw-viewer .pw-row{align-items:center}\
.pw-viewer .pw-file-name{flex:1;min-width:0;margin:0}\
[dir=rtl] .pw-send svg{transform:scaleX(-1)}\
.pw-peek{position:fixed;bottom:88px;right:20px;max-width:300px;display:flex;align-items:flex-start;gap:4px;padding:12px;\
border-radius:var(--pw-r3);background:var(--pw-bg);color:var(--pw-fg);box-shadow:var(--pw-e3);z-index:2147483646}\
.pw-left .pw-peek{right:auto;left:20px}\
.pw-open .pw-peek{display:none}\
.pw-peek-msg{all:unset;cursor:pointer;flex:1;white-space:pre-wrap;overflow-wrap:anywhere}\
.pw-peek-msg b{display:block;font-size:var(--pw-fs-sm)}\
.pw-peek-x{all:unset;cursor:pointer;width:24px;height:24px;text-align:center;border-radius:50%}\
.pw-peek :focus-visible{outline:3px solid var(--pw-accent);outline-offset:2px}\
.pw-sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);\
white-space:nowrap;border:0}\
@media (max-width:767px){.pw-panel,.pw-left .pw-panel{top:0;right:0;bottom:0;left:0;width:100%;height:100%;\
max-height:none;border-radius:0}.pw-root{--pw-touch:48px}.pw-root .pw-input,.pw-root .pw-field input,\
.pw-root .pw-field select,.pw-root .pw-field textarea{font-size:16px}.pw-chip{min-height:44px}}\
`;
