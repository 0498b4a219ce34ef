/* The review page.  Every string from a document is set with textContent or as
   an attribute value through the DOM; nothing here parses HTML.  Lists are
   paged, so 20,000 corrections cost one filter pass and fifty cards. */
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var DOCS = DATA.docs, RULES = DATA.rules, BANDS = DATA.bands, CORR = DATA.corrections;
  var PAGE = 50, DOC_PAGE = 100;
  var OPEN = '\u27e6', CLOSE = '\u27e7';
  var REVIEW = {flagged: 1, suggested: 1};
  var KEY = 'un-report-decisions:' + DATA.storage_key;

  // ------------------------------------------------------------ helpers
  function $(id) { return document.getElementById(id); }
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (!Object.prototype.hasOwnProperty.call(props, k) || props[k] == null) continue;
        if (k === 'text') node.textContent = props[k];
        else if (k === 'cls') node.className = props[k];
        else if (k === 'data') { for (var d in props.data) node.dataset[d] = props.data[d]; }
        else node.setAttribute(k, props[k]);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  function visible(s) { return s.replace(/\n/g, '\u21b5').replace(/\f/g, '\u240c'); }
  function fmtConf(c) { return c.toFixed(2); }
  function docOf(c) { return DOCS[c.d]; }
  function contextOf(c) { return c.x != null ? c.x : c.k ? c.l + OPEN + c.m + CLOSE + c.rt : c.l; }
  function where(c) {
    var parts = [];
    if (c.p != null) parts.push('page ' + c.p);
    if (c.ln != null) parts.push('line ' + c.ln);
    if (c.pa != null) parts.push(c.pa);
    return parts.join(', ');
  }

  // --------------------------------------------------- decisions (local)
  var pending = {};
  try { pending = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { pending = {}; }
  var byId = {};
  CORR.forEach(function (c, i) { byId[c.d + '\u001f' + c.id] = i; });
  // A decision the run has honoured since it was made needs no export any more.
  Object.keys(pending).forEach(function (k) {
    var p = pending[k], i = byId[p.d + '\u001f' + p.id];
    if (i !== undefined) {
      var s = CORR[i].s;
      if ((s === 'accepted' && p.decision === 'accept') || (s === 'rejected' && p.decision === 'reject')) delete pending[k];
    }
  });
  var stored = true;
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(pending)); stored = true; }
    catch (e) { stored = false; }  // private mode or full: keep them in memory, and say so
  }
  window.addEventListener('beforeunload', function (ev) {
    if (!stored && Object.keys(pending).length) { ev.preventDefault(); ev.returnValue = ''; }
  });
  function pkey(c) { return c.d + '\u001f' + c.id; }
  function decisionOf(c) {
    var p = pending[pkey(c)];
    if (p) return {decision: p.decision, how: 'page'};
    if (c.f) return {decision: c.f, how: 'file'};
    if (c.s === 'accepted') return {decision: 'accept', how: 'run'};
    if (c.s === 'rejected') return {decision: 'reject', how: 'run'};
    return null;
  }
  function decide(c, decision) {
    var k = pkey(c);
    if (decision === null) delete pending[k];
    else pending[k] = {
      d: c.d, id: c.id, decision: decision, doc_id: docOf(c).doc_id, rule: RULES[c.r],
      before: c.b, after: c.a, context: contextOf(c)
    };
    save();
    updatePending();
  }
  // What each correction will be once the decisions are applied: the page's own, then the file's, then the run's.
  function effective(c) {
    var p = pending[pkey(c)], d = p ? p.decision : c.f;
    return d === 'accept' ? 'accepted' : d === 'reject' ? 'rejected' : c.s;
  }
  var EFF = [];
  function updateCounts() {
    var total = {applied: 0, flagged: 0, suggested: 0, accepted: 0, rejected: 0}, fresh = {accepted: 0, rejected: 0}, awaiting = 0;
    EFF = DOCS.map(function () { return {counts: {applied: 0, flagged: 0, suggested: 0, accepted: 0, rejected: 0}, awaiting: 0}; });
    for (var i = 0; i < CORR.length; i++) {
      var c = CORR[i], s = effective(c), e = EFF[c.d];
      total[s]++; e.counts[s]++;
      if (REVIEW[s]) { awaiting++; e.awaiting++; }
      if (s !== c.s && fresh[s] !== undefined) fresh[s]++;
    }
    Object.keys(total).forEach(function (s) {
      $('kpi-' + s).textContent = String(total[s]);
      $('kpi-' + s + '-new').textContent = fresh[s] ? ' incl. ' + fresh[s] + ' not yet applied' : '';
    });
    $('kpi-awaiting').textContent = String(awaiting);
    if (docsRendered && !$('view-documents').hidden) renderDocs(true); else docsRendered = false;
  }
  function updatePending() {
    updateCounts();
    var n = Object.keys(pending).length;
    var bar = $('decisionbar');
    bar.classList.toggle('has', n > 0);
    $('pending-count').textContent = n ? n + (n === 1 ? ' decision' : ' decisions') + ' recorded in this page, not yet exported' +
      (stored ? '' : ' (the browser cannot keep them: export before closing)') : 'No decisions recorded in this page yet.';
    $('export').disabled = n === 0;
    $('clear').disabled = n === 0;
  }
  function exportDecisions() {
    var list = Object.keys(pending).map(function (k) {
      var p = pending[k];
      return {doc_id: p.doc_id, id: p.id, decision: p.decision, rule: p.rule, before: p.before, after: p.after, context: p.context};
    });
    if (!list.length) return;
    list.sort(function (a, b) { return a.doc_id < b.doc_id ? -1 : a.doc_id > b.doc_id ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0; });
    var text = JSON.stringify({version: 1, decisions: list}, null, 1) + '\n';
    var url = URL.createObjectURL(new Blob([text], {type: 'application/json'}));
    var a = el('a', {href: url, download: 'review-decisions.json'});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    $('export-json').value = text;
    var dlg = $('export-dialog');
    if (dlg.showModal && !dlg.open) dlg.showModal();
    window.__lastExport = text;
  }

  // ------------------------------------------------------------ filters
  var fDoc = $('f-doc'), fRule = $('f-rule'), fStatus = $('f-status'), fConf = $('f-conf'), fQ = $('f-q');
  (function fillSelects() {
    var frag = document.createDocumentFragment();
    DOCS.forEach(function (d, i) {
      var n = d.counts.flagged + d.counts.suggested;
      if (!d.json) return;
      frag.appendChild(el('option', {value: String(i)}, d.doc_id + (d.symbol ? ' \u2014 ' + d.symbol : '') + (n ? '  (' + n + ' to review)' : '')));
    });
    fDoc.appendChild(frag);
    var ruleCount = RULES.map(function () { return 0; });
    CORR.forEach(function (c) { ruleCount[c.r]++; });
    RULES.map(function (r, i) { return [r, i]; }).sort(function (a, b) { return a[0] < b[0] ? -1 : 1; }).forEach(function (ri) {
      fRule.appendChild(el('option', {value: String(ri[1])}, ri[0] + '  (' + ruleCount[ri[1]] + ')'));
    });
    BANDS.forEach(function (b, i) { fConf.appendChild(el('option', {value: String(i)}, b)); });
  })();

  // Flagged and suggested first, then reviewer decisions, then the rest; grouped by document.
  var RANK = {flagged: 0, suggested: 0, accepted: 1, rejected: 1, applied: 2};
  var ORDER = CORR.map(function (c, i) { return i; });
  ORDER.sort(function (x, y) {
    var a = CORR[x], b = CORR[y];
    return (RANK[a.s] - RANK[b.s]) || (a.d - b.d) || (a.o - b.o);
  });
  var haystack = null;
  function hay(i) {
    if (!haystack) haystack = new Array(CORR.length);
    if (haystack[i] === undefined) {
      var c = CORR[i], d = DOCS[c.d];
      haystack[i] = (c.l + c.m + c.rt + ' ' + c.b + ' ' + c.a + ' ' + RULES[c.r] + ' ' + d.doc_id + ' ' + (d.symbol || '') + ' ' + c.id).toLowerCase();
    }
    return haystack[i];
  }
  var shown = [], page = 0, cur = -1;
  function applyFilters(keepPage) {
    var t0 = performance.now();
    var doc = fDoc.value === '' ? -1 : +fDoc.value;
    var rule = fRule.value === '' ? -1 : +fRule.value;
    var band = fConf.value === '' ? -1 : +fConf.value;
    var st = fStatus.value;
    var q = fQ.value.trim().toLowerCase();
    var out = [];
    for (var j = 0; j < ORDER.length; j++) {
      var i = ORDER[j], c = CORR[i];
      if (doc >= 0 && c.d !== doc) continue;
      if (rule >= 0 && c.r !== rule) continue;
      if (band >= 0 && c.n !== band) continue;
      if (st === 'review') { if (!REVIEW[c.s]) continue; }
      else if (st === 'undecided') { if (!REVIEW[c.s] || c.f || pending[pkey(c)]) continue; }
      else if (st === 'mine') { if (!pending[pkey(c)]) continue; }
      else if (st !== 'all' && c.s !== st) continue;
      if (q && hay(i).indexOf(q) < 0) continue;
      out.push(i);
    }
    shown = out;
    if (!keepPage) { page = 0; cur = -1; }
    page = Math.min(page, Math.max(0, Math.ceil(shown.length / PAGE) - 1));
    renderList();
    markBars();
    window.__lastFilterMs = performance.now() - t0;
  }

  // ---------------------------------------------------------- the list
  var list = $('list');
  function diff(c) {
    var frag = document.createDocumentFragment();
    if (c.b === c.a) {  // a notice: the rule points at the text without changing it
      frag.appendChild(el('mark', {title: 'a notice: the text is not changed'}, visible(c.b) || '\u2038'));
      return frag;
    }
    if (c.b) frag.appendChild(el('del', {title: 'the source said'}, visible(c.b)));
    if (c.b && c.a) frag.appendChild(el('span', {cls: 'arrow', 'aria-hidden': 'true'}, '\u2192'));
    if (c.a) frag.appendChild(el('ins', {title: 'the correction gives'}, visible(c.a)));
    if (!c.b && !c.a) frag.appendChild(el('del', {}, '(empty)'));
    return frag;
  }
  function contextNode(c) {
    var box = el('div', {cls: 'ctx'});
    if (c.k) {
      box.appendChild(el('span', {cls: 'ell'}, '\u2026'));
      box.appendChild(document.createTextNode(c.l));
      box.appendChild(diff(c));
      box.appendChild(document.createTextNode(c.rt));
      box.appendChild(el('span', {cls: 'ell'}, '\u2026'));
    } else {
      if (c.l) box.appendChild(document.createTextNode(c.l + ' '));
      box.appendChild(diff(c));
    }
    return box;
  }
  function statusBadge(s) { return el('span', {cls: 'badge s-' + s, title: DATA.status_text[s] || ''}, s); }
  function decisionNote(c) {
    var d = decisionOf(c);
    if (!d) return null;
    var text = d.how === 'page' ? 'your decision: ' + d.decision + ' (export to keep)'
      : d.how === 'file' ? 'in decisions file: ' + d.decision + ' (re-run to apply)'
      : (d.decision === 'accept' ? 'accepted' : 'rejected') + ' by a reviewer, honoured by this run';
    return el('span', {cls: 'decision ' + d.decision}, text);
  }
  function card(i, pos) {
    var c = CORR[i];
    var li = el('li', {cls: 'card st-' + c.s, tabindex: '-1', 'data-pos': String(pos), 'data-id': c.id});
    li.appendChild(contextNode(c));
    var conf = el('span', {cls: 'conf', title: 'confidence of the rule'}, 'confidence ',
      el('span', {cls: 'gauge'}, el('span', {style: 'width:' + Math.round(c.c * 100) + '%'})), fmtConf(c.c));
    li.appendChild(el('div', {cls: 'meta'}, el('span', {cls: 'rule', title: 'rule'}, RULES[c.r]), conf, statusBadge(c.s),
      where(c) ? el('span', {}, where(c)) : null, decisionNote(c)));
    if (c.i) {
      var dl = el('dl', {cls: 'info'});
      c.i.forEach(function (kv) { dl.appendChild(el('div', {}, el('dt', {}, kv[0]), el('dd', {}, kv[1]))); });
      li.appendChild(dl);
    }
    if (c.img) li.appendChild(el('img', {cls: 'crop', src: c.img, loading: 'lazy', alt: 'The printed page where the word stands' + (c.p != null ? ' (page ' + c.p + ')' : '')}));
    var d = decisionOf(c), dec = d && d.decision;
    li.appendChild(el('div', {cls: 'actions'},
      el('button', {type: 'button', cls: 'acc', 'data-act': 'accept', 'aria-pressed': String(dec === 'accept'), title: 'Accept: make this correction'}, 'Accept', el('kbd', {}, 'a')),
      el('button', {type: 'button', cls: 'rej', 'data-act': 'reject', 'aria-pressed': String(dec === 'reject'), title: 'Reject: keep the source text'}, 'Reject', el('kbd', {}, 'r')),
      pending[pkey(c)] ? el('button', {type: 'button', 'data-act': 'undo', title: 'Forget your decision'}, 'Undo', el('kbd', {}, 'u')) : null));
    return li;
  }
  function groupHeader(d) {
    var doc = DOCS[d];
    return el('li', {cls: 'group'}, el('h2', {}, doc.doc_id),
      el('span', {cls: 'gtitle'}, [doc.kind, doc.symbol, doc.title].filter(Boolean).join(' \u00b7 ')),
      el('a', {href: '#history/' + d}, 'History'));
  }
  function renderList() {
    var start = page * PAGE, end = Math.min(shown.length, start + PAGE);
    var frag = document.createDocumentFragment();
    var lastDoc = -1;
    for (var p = start; p < end; p++) {
      var c = CORR[shown[p]];
      if (c.d !== lastDoc) { frag.appendChild(groupHeader(c.d)); lastDoc = c.d; }
      frag.appendChild(card(shown[p], p - start));
    }
    if (!shown.length) frag.appendChild(el('li', {cls: 'empty'}, 'Nothing matches these filters.'));
    list.replaceChildren(frag);
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    $('count').textContent = shown.length ? 'Showing ' + (start + 1) + '\u2013' + end + ' of ' + shown.length + ' corrections' : '0 corrections';
    document.querySelectorAll('#view-review .pageno').forEach(function (n) { n.textContent = 'page ' + (page + 1) + ' of ' + pages; });
    document.querySelectorAll('#view-review [data-page]').forEach(function (b) {
      b.disabled = +b.dataset.page < 0 ? page === 0 : page >= pages - 1;
    });
    if (cur >= 0) setCurrent(Math.min(cur, end - start - 1), false);
  }
  function cards() { return list.querySelectorAll('.card'); }
  function setCurrent(n, scroll) {
    var all = cards();
    if (!all.length) { cur = -1; return; }
    n = Math.max(0, Math.min(n, all.length - 1));
    var old = list.querySelector('.card.current');
    if (old) old.classList.remove('current');
    cur = n;
    all[n].classList.add('current');
    if (scroll !== false) { all[n].focus({preventScroll: true}); all[n].scrollIntoView({block: 'nearest'}); }
  }
  function gotoPage(delta) {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    var np = Math.max(0, Math.min(pages - 1, page + delta));
    if (np === page) return false;
    page = np; cur = -1; renderList(); window.scrollTo(0, $('view-review').offsetTop - 8);
    return true;
  }
  function move(delta) {
    var all = cards();
    if (cur + delta >= all.length) { if (gotoPage(1)) setCurrent(0); return; }
    if (cur + delta < 0) { if (cur >= 0 && gotoPage(-1)) setCurrent(cards().length - 1); else setCurrent(0); return; }
    setCurrent(cur < 0 ? 0 : cur + delta);
  }
  function refreshCard(node) {
    var pos = +node.dataset.pos;
    var fresh = card(shown[page * PAGE + pos], pos);
    if (node.classList.contains('current')) fresh.classList.add('current');
    node.replaceWith(fresh);
    return fresh;
  }
  function act(node, what, advance) {
    var c = CORR[shown[page * PAGE + (+node.dataset.pos)]];
    var d = decisionOf(c);
    if (what === 'undo') decide(c, null);
    else if (pending[pkey(c)] && d.decision === what) decide(c, null);  // pressing again takes it back
    else decide(c, what);
    var fresh = refreshCard(node);
    if (advance) move(1); else if (fresh.classList.contains('current')) fresh.focus({preventScroll: true});
  }
  list.addEventListener('click', function (ev) {
    var btn = ev.target.closest('button[data-act]');
    var node = ev.target.closest('.card');
    if (!node) return;
    setCurrent(+node.dataset.pos, false);
    if (btn) act(node, btn.dataset.act, false);
  });

  // ------------------------------------------------------------ charts
  function markBars() {
    document.querySelectorAll('.bar').forEach(function (b) {
      var on = b.dataset.chart === 'rule' ? (fRule.value !== '' && RULES[+fRule.value] === b.dataset.key)
        : (fConf.value !== '' && fConf.value === b.dataset.key);
      b.classList.toggle('on', on);
      b.setAttribute('aria-pressed', String(on));
    });
  }
  document.querySelectorAll('.bar').forEach(function (b) {
    b.addEventListener('click', function () {
      if (b.dataset.chart === 'rule') {
        var r = RULES.indexOf(b.dataset.key);
        fRule.value = fRule.value === String(r) ? '' : String(r);
      } else {
        fConf.value = fConf.value === b.dataset.key ? '' : b.dataset.key;
      }
      if (fStatus.value === 'review' && !b.classList.contains('on')) fStatus.value = 'all';
      location.hash = '#review';
      applyFilters();
    });
  });

  // --------------------------------------------------------- documents
  var dq = $('d-q'), dFailed = $('d-failed'), dAwait = $('d-awaiting'), dSort = $('d-sort'), dShown = [], dPage = 0;
  function docRow(i) {
    var d = DOCS[i], c = EFF[i] ? EFF[i].counts : d.counts, awaiting = EFF[i] ? EFF[i].awaiting : d.awaiting;
    var tr = el('tr', {cls: d.failure ? 'failed' : null});
    var links = el('div', {cls: 'rowlinks'});
    if (d.json) {
      links.appendChild(el('a', {href: '#history/' + i}, 'history'));
      if (c.flagged + c.suggested) links.appendChild(el('a', {href: '#review', 'data-review': String(i)}, 'review ' + (c.flagged + c.suggested)));
      if (d.md) links.appendChild(el('a', {href: d.md}, 'clean text'));
      links.appendChild(el('a', {href: d.json}, 'JSON'));
    }
    tr.appendChild(el('td', {}, el('div', {cls: 'docid'}, d.doc_id),
      el('div', {cls: 'sub'}, [d.symbol, d.title].filter(Boolean).join(' \u00b7 ')), links));
    tr.appendChild(el('td', {}, d.kind));
    function num(n, cls) { return el('td', {cls: 'num' + (n ? '' : ' zero') + (cls ? ' ' + cls : '')}, String(n)); }
    tr.appendChild(num(c.applied));
    tr.appendChild(num(c.flagged));
    tr.appendChild(num(c.suggested));
    tr.appendChild(el('td', {cls: 'num' + (c.accepted + c.rejected ? '' : ' zero'), title: c.accepted + ' accepted, ' + c.rejected + ' rejected'}, c.accepted + ' / ' + c.rejected));
    tr.appendChild(el('td', {cls: 'num' + (d.ft ? '' : ' zero')}, d.fa + ' / ' + d.ft));
    tr.appendChild(el('td', {}, d.failure
      ? el('div', {}, el('span', {cls: 'fail'}, 'failed at ' + d.failure.stage + ': '), d.failure.reason,
          d.failure.hint ? el('div', {cls: 'sub'}, 'What to do: ' + d.failure.hint) : null)
      : el('span', {cls: d.poor && d.poor.length ? 'fail' : 'ok'}, (d.poor && d.poor.length ? 'poor scan: ' + d.poor.length + ' pages to review (page ' + d.poor.join(', ') + '); ' : '')
          + (awaiting ? 'cleaned, ' + awaiting + ' to review' : 'cleaned'))));
    return tr;
  }
  function renderDocs(keepPage) {
    var q = dq.value.trim().toLowerCase();
    dShown = [];
    for (var i = 0; i < DOCS.length; i++) {
      var d = DOCS[i];
      if (dFailed.checked && !d.failure) continue;
      if (dAwait.checked && !(EFF[i] ? EFF[i].awaiting : d.awaiting)) continue;
      if (q && (d.doc_id + ' ' + (d.symbol || '') + ' ' + (d.title || '') + ' ' + (d.failure ? d.failure.reason : '')).toLowerCase().indexOf(q) < 0) continue;
      dShown.push(i);
    }
    var order = dSort.value;
    if (order !== 'id') {
      var score = order === 'review' ? function (d) { var i = DOCS.indexOf(d); return -(EFF[i] ? EFF[i].awaiting : d.awaiting); }
        : order === 'failed' ? function (d) { return d.failure ? 0 : 1; }
        : function (d) { return d.ft ? d.fa / d.ft : 2; };
      dShown.sort(function (a, b) { return (score(DOCS[a]) - score(DOCS[b])) || (a - b); });
    }
    if (!keepPage) dPage = 0;
    var pages = Math.max(1, Math.ceil(dShown.length / DOC_PAGE));
    dPage = Math.min(dPage, pages - 1);
    var frag = document.createDocumentFragment();
    dShown.slice(dPage * DOC_PAGE, dPage * DOC_PAGE + DOC_PAGE).forEach(function (i) { frag.appendChild(docRow(i)); });
    if (!dShown.length) frag.appendChild(el('tr', {}, el('td', {colspan: '8', cls: 'empty'}, 'No document matches.')));
    $('docs-body').replaceChildren(frag);
    $('d-count').textContent = dShown.length + ' of ' + DOCS.length + ' documents';
    document.querySelector('#d-pager .pageno').textContent = 'page ' + (dPage + 1) + ' of ' + pages;
    document.querySelectorAll('[data-dpage]').forEach(function (b) { b.disabled = +b.dataset.dpage < 0 ? dPage === 0 : dPage >= pages - 1; });
  }
  dq.addEventListener('input', function () { renderDocs(); });
  [dFailed, dAwait, dSort].forEach(function (n) { n.addEventListener('change', function () { renderDocs(); }); });
  document.querySelectorAll('[data-dpage]').forEach(function (b) { b.addEventListener('click', function () { dPage += +b.dataset.dpage; renderDocs(true); }); });
  $('docs-body').addEventListener('click', function (ev) {
    var a = ev.target.closest('a[data-review]');
    if (!a) return;
    fDoc.value = a.dataset.review; fStatus.value = 'review'; fRule.value = ''; fConf.value = ''; fQ.value = '';
    applyFilters();
  });
  document.querySelectorAll('[data-docfilter]').forEach(function (a) { a.addEventListener('click', function () { dFailed.checked = true; renderDocs(); }); });

  // ----------------------------------------------------------- history
  function renderHistory(d) {
    var doc = DOCS[d], box = $('history');
    if (!doc) { box.replaceChildren(el('p', {cls: 'empty'}, 'No such document.')); return; }
    var head = el('div', {cls: 'hist-head'},
      el('h2', {}, doc.doc_id),
      el('p', {}, [doc.kind, doc.symbol, doc.title].filter(Boolean).join(' \u00b7 ')),
      el('p', {cls: 'sub'}, 'Source: ', el('code', {}, doc.source || '?'), doc.pages ? ' (' + doc.pages + (doc.pages === 1 ? ' page)' : ' pages)') : '',
        ' \u00b7 footnotes anchored ' + doc.fa + ' of ' + doc.ft));
    if (doc.failure) head.appendChild(el('p', {cls: 'failure'}, el('strong', {}, 'Failed at ' + doc.failure.stage + ': '), doc.failure.reason,
      doc.failure.hint ? el('span', {}, el('br'), 'What to do: ' + doc.failure.hint) : null));
    var links = el('p', {cls: 'rowlinks'});
    if (doc.md) links.appendChild(el('a', {href: doc.md}, 'Open the clean text'));
    if (doc.json) links.appendChild(el('a', {href: doc.json}, 'Open the JSON'));
    links.appendChild(el('a', {href: '#review', 'data-review': String(d)}, 'Review this document'));
    head.appendChild(links);
    var rows = CORR.filter(function (c) { return c.d === d; }).sort(function (a, b) { return a.o - b.o; });
    head.appendChild(el('p', {}, rows.length + ' corrections, in the order the pipeline made them. ' +
      '\u201cSource said\u201d is the text before the rule ran; \u201cOutput says\u201d is what the cleaned document holds.'));
    var tbody = el('tbody');
    rows.forEach(function (c) {
      var inText = c.s === 'applied' || c.s === 'flagged' || c.s === 'accepted';
      var why = el('td', {cls: 'why'}, el('span', {cls: 'rule'}, RULES[c.r]), ' confidence ' + fmtConf(c.c), el('br'),
        statusBadge(c.s), ' ' + (DATA.status_text[c.s] || ''));
      if (!inText && c.a !== c.b) why.appendChild(el('div', {}, 'proposed: ', c.a ? el('ins', {}, visible(c.a)) : 'remove it'));
      var dn = decisionNote(c);
      if (dn && (c.s === 'flagged' || c.s === 'suggested' || pending[pkey(c)])) { why.appendChild(el('br')); why.appendChild(dn); }
      if (c.i) c.i.forEach(function (kv) { why.appendChild(el('div', {}, kv[0] + ': ' + kv[1])); });
      if (c.img) why.appendChild(el('div', {}, el('img', {cls: 'crop', src: c.img, loading: 'lazy', alt: 'the printed word'})));
      tbody.appendChild(el('tr', {cls: 'st-' + c.s},
        el('td', {}, String(c.o + 1)),
        el('td', {}, where(c) || '\u2014'),
        el('td', {cls: 'said'}, '\u2026' + c.l.slice(-24), c.a === c.b ? el('mark', {}, visible(c.b)) : el('del', {}, visible(c.b) || '(nothing)'), c.k ? c.rt.slice(0, 24) + '\u2026' : ''),
        el('td', {cls: 'said'}, '\u2026' + c.l.slice(-12),
          inText && c.a !== c.b ? (c.a ? el('ins', {}, visible(c.a)) : el('span', {cls: 'arrow', title: 'removed'}, '\u2038'))
            : el('span', {}, visible(c.b)),
          c.k ? c.rt.slice(0, 12) + '\u2026' : '',
          el('div', {cls: 'why'}, inText && c.a !== c.b ? (c.a ? 'changed' : 'removed') : c.a === c.b ? 'a notice: text unchanged' : 'unchanged')),
        why));
    });
    var table = el('table', {cls: 'hist'},
      el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'Where'), el('th', {}, 'Source said'), el('th', {}, 'Output says'), el('th', {}, 'Why'))),
      tbody);
    box.replaceChildren(head, rows.length ? table : el('p', {cls: 'empty'}, 'No corrections: the output is the source text.'));
    $('history').querySelector('[data-review]').addEventListener('click', function () {
      fDoc.value = String(d); fStatus.value = 'all'; fRule.value = ''; fConf.value = ''; fQ.value = ''; applyFilters();
    });
  }

  // ------------------------------------------------------------ routing
  var docsRendered = false;
  function route() {
    var h = location.hash || '#review';
    var view = h.indexOf('#history/') === 0 ? 'history' : h === '#documents' ? 'documents' : 'review';
    ['review', 'documents', 'history'].forEach(function (v) {
      $('view-' + v).hidden = v !== view;
      var tab = $('tab-' + v);
      if (v === view) tab.setAttribute('aria-current', 'page'); else tab.removeAttribute('aria-current');
    });
    $('tab-history').hidden = view !== 'history';
    if (view === 'history') {
      var d = +h.slice('#history/'.length);
      $('tab-history').textContent = 'History: ' + (DOCS[d] ? DOCS[d].doc_id : '?');
      $('tab-history').setAttribute('href', h);
      renderHistory(d);
    } else if (view === 'documents' && !docsRendered) { renderDocs(); docsRendered = true; }
    else if (view === 'review') renderList();
  }
  window.addEventListener('hashchange', route);

  // ----------------------------------------------------------- wiring
  [fDoc, fRule, fStatus, fConf].forEach(function (s) { s.addEventListener('change', function () { applyFilters(); }); });
  var qTimer = null;
  fQ.addEventListener('input', function () { clearTimeout(qTimer); qTimer = setTimeout(function () { applyFilters(); }, 120); });
  $('filters').addEventListener('submit', function (ev) { ev.preventDefault(); });
  $('filters').addEventListener('reset', function () { setTimeout(function () { applyFilters(); }, 0); });
  document.querySelectorAll('[data-page]').forEach(function (b) { b.addEventListener('click', function () { gotoPage(+b.dataset.page); }); });
  $('export').addEventListener('click', exportDecisions);
  $('clear').addEventListener('click', function () {
    var n = Object.keys(pending).length;
    if (n && window.confirm('Forget the ' + n + ' decisions recorded in this page? Export them first to keep them.')) {
      pending = {}; save(); updatePending(); renderList();
    }
  });

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target, typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (ev.key === 'Escape') {
      if (typing) { t.blur(); return; }
      if (!$('view-history').hidden) { history.length > 1 ? history.back() : (location.hash = '#review'); }
      return;
    }
    if (typing || $('export-dialog').open) return;
    var inReview = !$('view-review').hidden;
    var key = ev.key;
    if (key === '/') { ev.preventDefault(); if (!inReview) location.hash = '#review'; fQ.focus(); fQ.select(); return; }
    if (key === 'e') { exportDecisions(); return; }
    if (!inReview) return;
    var all = cards();
    if (key === 'j' || key === 'ArrowDown') { ev.preventDefault(); move(1); }
    else if (key === 'k' || key === 'ArrowUp') { ev.preventDefault(); move(-1); }
    else if (key === ']') { gotoPage(1); }
    else if (key === '[') { gotoPage(-1); }
    else if ((key === 'a' || key === 'r' || key === 'u') && all.length) {
      if (cur < 0) setCurrent(0);
      act(cards()[cur], key === 'a' ? 'accept' : key === 'r' ? 'reject' : 'undo', key !== 'u');
    } else if ((key === 'h' || key === 'Enter') && cur >= 0 && t.tagName !== 'BUTTON' && t.tagName !== 'A') {
      location.hash = '#history/' + CORR[shown[page * PAGE + cur]].d;
    }
  });

  updatePending();
  applyFilters();
  route();
  document.documentElement.dataset.ready = '1';
  window.__reportReady = performance.now();
})();
