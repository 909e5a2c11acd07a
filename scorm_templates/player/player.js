/* RTCM learner player: course pages + self-assessment, reported over SCORM 1.2 or 2004,
   or run standalone (preview) when no LMS API is found. No framework, no eval, no network. */
(() => {
  'use strict';

  const DATA = JSON.parse(document.getElementById('course-data').textContent);
  const COURSE = DATA.course || {};
  const STRINGS = DATA.strings || {};
  const PAGES = DATA.pages || [];
  const QUIZ = DATA.quiz || { questions: [] };
  const QUESTIONS = new Map((QUIZ.questions || []).map((q) => [q.id, q]));
  const QUIZ_PAGE = '~quiz'; // page ids never start with '~'
  const HAS_QUIZ = QUESTIONS.size > 0;
  // Training evaluation: "Before you start" on the first page, "Evaluate this course" as the last page.
  const EVAL = DATA.evaluation || {};
  const PRE = EVAL.pre || [];
  const POST = EVAL.post || [];
  const EVAL_PAGE = '~eval';
  const SENT_MARKS = ['~pre', '~post']; // kept among the visited ids: which forms were sent
  const STANDARD = DATA.standard || 'none';
  const SUSPEND_VERSION = 'v1';
  // SCORM 1.2 caps suspend_data at 4096 characters; keep a margin. 2004 allows 64000.
  const SUSPEND_LIMIT = STANDARD === 'scorm12' ? 4000 : 64000;

  /* ---------- text ---------- */

  const LANG = COURSE.lang || document.documentElement.lang || 'en';
  const intl = (options) => {
    try { return new Intl.NumberFormat(LANG, options); } catch (e) { return new Intl.NumberFormat('en', options); }
  };
  const NUMBER = intl();
  const PERCENT = intl({ style: 'percent', maximumFractionDigits: 1 });
  const pct = (value) => PERCENT.format(value / 100);

  /** UI string with {placeholders}; numbers are formatted for the course language. */
  function t(key, params) {
    const template = STRINGS[key] != null ? STRINGS[key] : key;
    return template.replace(/\{(\w+)\}/g, (match, name) => {
      if (!params || !(name in params)) return match;
      const value = params[name];
      return typeof value === 'number' ? NUMBER.format(value) : String(value);
    });
  }

  /** Plain text of a sanitised HTML fragment, parsed inertly (a <template> runs and loads nothing). */
  function plain(html) {
    const tpl = document.createElement('template');
    tpl.innerHTML = html || '';
    return tpl.content.textContent.replace(/\s+/g, ' ').trim();
  }

  /* ---------- DOM ---------- */

  /** Element builder. `html` is used only for the builder-sanitised HTML fields of the course data. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'html') el.innerHTML = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) if (child != null && child !== false) el.append(child);
    return el;
  }
  const $ = (id) => document.getElementById(id);

  function announce(text) {
    const region = $('announcer');
    region.textContent = '';
    // A fresh text node after a tick makes screen readers announce repeated messages too.
    setTimeout(() => { region.textContent = text; }, 50);
  }

  /* ---------- deterministic randomness (per attempt, so a resumed attempt looks the same) ---------- */

  function hash32(text) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return hash >>> 0;
  }
  function rng(seed) { // mulberry32
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = Math.imul(a ^ (a >>> 15), a | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffled(list, rand) {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
  const questionRand = (id) => rng(hash32(state.seed + '/' + id));

  /* ---------- LMS ---------- */

  const ELEMENTS = {
    scorm12: {
      location: 'cmi.core.lesson_location', exit: 'cmi.core.exit', session: 'cmi.core.session_time',
      mode: 'cmi.core.lesson_mode', status: 'cmi.core.lesson_status', score: 'cmi.core.score',
      response: 'student_response', time: 'time', exitDone: '',
    },
    scorm2004: {
      location: 'cmi.location', exit: 'cmi.exit', session: 'cmi.session_time', mode: 'cmi.mode',
      status: 'cmi.completion_status', success: 'cmi.success_status', score: 'cmi.score',
      response: 'learner_response', time: 'timestamp', exitDone: 'normal',
    },
  };

  function findApi(name) {
    const walk = (win) => {
      for (let hops = 0; win && hops < 16; hops++) {
        try { if (win[name]) return win[name]; } catch (e) { /* cross-origin frame: keep climbing */ }
        if (win.parent === win) break;
        win = win.parent;
      }
      return null;
    };
    return walk(window) || (window.opener ? walk(window.opener) : null);
  }

  function connect() {
    const is12 = STANDARD === 'scorm12';
    const api = STANDARD === 'none' ? null : findApi(is12 ? 'API' : 'API_1484_11');
    const call = (fn12, fn2004, ...args) => {
      try { return String(api[is12 ? fn12 : fn2004](...args)); } catch (e) { return 'false'; }
    };
    const live = !!api && call('LMSInitialize', 'Initialize', '') === 'true';
    let ended = false;
    return {
      found: !!api,
      live,
      is12,
      el: ELEMENTS[STANDARD] || ELEMENTS.scorm12,
      get ended() { return ended; },
      get: (key) => (live && !ended ? call('LMSGetValue', 'GetValue', key) : ''),
      set: (key, value) => (live && !ended ? call('LMSSetValue', 'SetValue', key, String(value)) === 'true' : false),
      commit: () => (live && !ended ? call('LMSCommit', 'Commit', '') === 'true' : true),
      finish() {
        if (!live || ended) return false;
        ended = true;
        return call('LMSFinish', 'Terminate', '') === 'true';
      },
    };
  }

  const pad = (n, width = 2) => String(n).padStart(width, '0');
  /** Elapsed time as SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) or 2004 ISO 8601 duration. */
  function timespan(ms, is12) {
    const cs = Math.max(0, Math.round(ms / 10));
    const hours = Math.floor(cs / 360000);
    const minutes = Math.floor(cs / 6000) % 60;
    const seconds = Math.floor(cs / 100) % 60;
    const hundredths = pad(cs % 100);
    return is12 ? `${pad(hours, 4)}:${pad(minutes)}:${pad(seconds)}.${hundredths}`
      : `PT${hours}H${minutes}M${seconds}.${hundredths}S`;
  }
  function clock(date, is12) {
    const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    return is12 ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${time}`;
  }

  /* ---------- state ---------- */

  const state = {
    page: PAGES.length ? PAGES[0].id : QUIZ_PAGE,
    visited: new Set(),
    attempt: 0, // attempts started
    seed: 0,
    best: null, // best score of any finished attempt
    last: null, // score of the latest finished attempt
    phase: 'intro', // intro | active | result
    drawn: [], // question ids of the current attempt, in order
    answers: new Map(), // id -> {value, correct}; value undefined when only the result was kept
    sent: new Set(), // evaluation forms sent: 'pre', 'post'
  };
  /** Pages that count for progress and completion; the evaluation page never does. */
  const learnIds = () => PAGES.map((p) => p.id).concat(HAS_QUIZ ? [QUIZ_PAGE] : []);
  const offersEvaluation = () => POST.length > 0 && !reviewMode; // review mode records nothing
  const pageIds = () => learnIds().concat(offersEvaluation() ? [EVAL_PAGE] : []);

  function drawQuestions(seed) {
    const rand = rng(seed);
    const pools = QUIZ.pools && QUIZ.pools.length ? QUIZ.pools
      : [{ id: 'all', draw: 0, questions: [...QUESTIONS.keys()] }];
    const order = [...QUESTIONS.keys()];
    const chosen = new Set();
    for (const pool of pools) {
      const ids = (pool.questions || []).filter((id) => QUESTIONS.has(id) && !chosen.has(id));
      const take = pool.draw > 0 ? Math.min(pool.draw, ids.length) : ids.length;
      shuffled(ids, rand).slice(0, take).forEach((id) => chosen.add(id));
    }
    // Drawn questions keep the authors' order: they often build on each other.
    return order.filter((id) => chosen.has(id));
  }

  /* suspend_data, format v1 (fields joined by '|'):
     v1 | visited page ids '.' | attempt | seed (base 36) | best | last | phase (i/a/r) | items ';'
     item: id (drawn, unanswered) | id ':' answer | id '!' 0/1 (answer dropped to fit, result kept).
     Ids and texts are percent-encoded (with . ! ~ * ' ( ) too) so the separators stay unambiguous;
     ids that start with '<course id>-' are stored as '@' + the rest. */
  const enc = (text) => encodeURIComponent(text)
    .replace(/[!'()*~.]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const ID_PREFIX = COURSE.id ? COURSE.id + '-' : null;
  const encId = (id) => (ID_PREFIX && id.startsWith(ID_PREFIX) ? '@' + enc(id.slice(ID_PREFIX.length)) : enc(id));
  const decId = (text) => (text[0] === '@' && ID_PREFIX ? ID_PREFIX + decodeURIComponent(text.slice(1))
    : decodeURIComponent(text));
  const PHASES = { intro: 'i', active: 'a', result: 'r' };

  function encodeState() {
    const score = (n) => (n == null ? '' : String(n));
    const items = state.drawn.map((id) => {
      const answer = state.answers.get(id);
      if (!answer) return encId(id);
      if (answer.value === undefined) return `${encId(id)}!${answer.correct ? 1 : 0}`;
      return `${encId(id)}:${TYPES[QUESTIONS.get(id).type].encode(QUESTIONS.get(id), answer.value)}`;
    });
    let visited = [...state.visited, ...[...state.sent].map((form) => '~' + form)].map(encId).join('.');
    const build = () => [SUSPEND_VERSION, visited, state.attempt, state.seed.toString(36), score(state.best),
      score(state.last), PHASES[state.phase], items.join(';')].join('|');
    let out = build();
    // Over the limit: drop the oldest answers' details (keeping right/wrong), then the visited pages,
    // and as a last resort the attempt itself (it restarts). Never exceed the limit.
    for (let i = 0; out.length > SUSPEND_LIMIT && i < items.length; i++) {
      const answer = state.answers.get(state.drawn[i]);
      if (answer) { items[i] = `${encId(state.drawn[i])}!${answer.correct ? 1 : 0}`; out = build(); }
    }
    if (out.length > SUSPEND_LIMIT) { visited = ''; out = build(); }
    if (out.length > SUSPEND_LIMIT) {
      out = [SUSPEND_VERSION, '', state.attempt, '0', score(state.best), score(state.last), 'i', ''].join('|');
    }
    return out;
  }

  const DECODERS = {
    v1(fields) {
      if (fields.length !== 8) throw new Error('v1 needs 8 fields');
      const phase = { i: 'intro', a: 'active', r: 'result' }[fields[6]] || 'intro';
      const num = (text) => (text === '' || isNaN(Number(text)) ? null : Number(text));
      const pages = new Set(pageIds());
      const ids = fields[1] ? fields[1].split('.').map(decId) : [];
      const out = {
        visited: ids.filter((id) => pages.has(id)),
        sent: new Set(ids.filter((id) => SENT_MARKS.includes(id)).map((id) => id.slice(1))),
        attempt: parseInt(fields[2], 10) || 0,
        seed: parseInt(fields[3], 36) || 0,
        best: num(fields[4]),
        last: num(fields[5]),
        phase,
        drawn: [],
        answers: new Map(),
      };
      for (const item of fields[7] ? fields[7].split(';') : []) {
        const match = /^([^:!]+)(?:([:!])(.*))?$/.exec(item);
        if (!match) continue;
        const id = decId(match[1]);
        const q = QUESTIONS.get(id);
        if (!q || !TYPES[q.type]) continue; // question removed by a package update: skip it
        out.drawn.push(id);
        if (match[2] === '!') out.answers.set(id, { value: undefined, correct: match[3] === '1' });
        if (match[2] === ':') {
          const value = TYPES[q.type].decode(q, match[3]);
          if (value != null) out.answers.set(id, { value, correct: TYPES[q.type].isCorrect(q, value) });
        }
      }
      if (out.phase === 'active' && !out.drawn.length) out.phase = 'intro';
      return out;
    },
  };

  /** Restores suspend_data; unknown (newer, foreign or damaged) data is ignored, never misread. */
  function restoreState(raw) {
    if (!raw) return false;
    const fields = raw.split('|');
    const decoder = Object.prototype.hasOwnProperty.call(DECODERS, fields[0]) ? DECODERS[fields[0]] : null;
    if (!decoder) return false;
    try {
      const restored = decoder(fields);
      restored.visited = new Set(restored.visited);
      Object.assign(state, restored);
      return true;
    } catch (e) {
      return false;
    }
  }

  /* ---------- question types ---------- */

  const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const TARGET_CHARS = '1234567890zyxwvutsrqponmlk';
  /** Response identifiers legal for the standard: the authors' ids when they fit, else a, b, c... */
  function responseIds(ids, is12) {
    const legal = is12 ? /^[0-9a-z]$/ : /^[A-Za-z0-9_-]{1,64}$/;
    const usable = new Set(ids).size === ids.length && ids.every((id) => legal.test(id));
    return new Map(ids.map((id, i) => [id, usable ? id : LETTERS[i % LETTERS.length]]));
  }
  const delims = (is12) => (is12 ? { list: ',', pair: '.' } : { list: '[,]', pair: '[.]' });
  const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
  const matchTargets = (q) => [...new Set(q.pairs.map((p) => p.match))];
  const fillIn = (text) => String(text).replace(/\[[,.:]\]/g, ' ').replace(/^\{/, '(').slice(0, 250);
  function normalise(text, caseSensitive) {
    const clean = String(text).normalize('NFC').replace(/\s+/g, ' ').trim();
    return caseSensitive ? clean : clean.toLocaleLowerCase(LANG);
  }
  const splitIds = (text) => (text ? text.split('.').map((s) => decodeURIComponent(s)) : []);

  function badge(kind, text) {
    return h('span', { class: 'badge badge-' + kind }, h('span', { 'aria-hidden': 'true', text: kind === 'ok' ? '✓ ' : '• ' }), text);
  }

  /** Radio buttons or checkboxes; used by single, multiple and true/false questions. */
  function choiceWidget(name, multi, options) {
    const list = h('div', { class: 'options' });
    const inputs = options.map((option, i) => {
      const input = h('input', { type: multi ? 'checkbox' : 'radio', name, id: `${name}-${i}`, value: option.value });
      const row = h('div', { class: 'option', 'data-option-id': option.value }, input,
        h('label', { for: `${name}-${i}`, html: option.html, text: option.text }));
      list.append(row);
      return { input, row };
    });
    return {
      node: list,
      chosen: () => inputs.filter((x) => x.input.checked).map((x) => x.input.value),
      set: (values) => inputs.forEach((x) => { x.input.checked = values.includes(x.input.value); }),
      mark(correctValues, chosenValues) {
        for (const { input, row } of inputs) {
          const isRight = correctValues.includes(input.value);
          const isChosen = chosenValues.includes(input.value);
          row.classList.toggle('is-correct', isRight);
          row.classList.toggle('is-chosen-wrong', isChosen && !isRight);
          const marks = h('span', { class: 'marks' });
          if (isChosen) marks.append(badge(isRight ? 'ok' : 'no', t('your_answer')));
          if (isRight) marks.append(badge('ok', t('correct_answer')));
          if (marks.childNodes.length) row.append(marks);
        }
      },
    };
  }

  const choiceType = {
    kind: 'choice',
    render(q, ctx) {
      const options = QUIZ.shuffle_answers ? shuffled(q.options, ctx.rand) : q.options;
      const widget = choiceWidget(ctx.name, q.type === 'multiple', options.map((o) => ({ value: o.id, html: o.html })));
      return {
        node: widget.node,
        read: () => { const v = q.options.map((o) => o.id).filter((id) => widget.chosen().includes(id)); return v.length ? v : null; },
        show: (value) => { widget.set(value); widget.mark(q.options.filter((o) => o.correct).map((o) => o.id), value); },
      };
    },
    isCorrect: (q, value) => sameSet(value, q.options.filter((o) => o.correct).map((o) => o.id)),
    feedback(q, value) {
      const chosen = q.options.filter((o) => value.includes(o.id) && o.feedback);
      if (q.type !== 'multiple') return chosen.map((o) => h('div', { html: o.feedback }));
      return chosen.length ? [h('ul', { class: 'option-feedback' }, chosen.map((o) =>
        h('li', null, h('strong', { text: plain(o.html) + ': ' }), h('span', { html: o.feedback }))))] : [];
    },
    encode: (q, value) => value.map(enc).join('.'),
    decode(q, text) {
      const ids = splitIds(text);
      return ids.length && ids.every((id) => q.options.some((o) => o.id === id)) ? ids : null;
    },
    report(q, value, is12) {
      const ids = responseIds(q.options.map((o) => o.id), is12);
      const d = delims(is12);
      return {
        type: 'choice',
        response: value.map((id) => ids.get(id)).join(d.list),
        patterns: [q.options.filter((o) => o.correct).map((o) => ids.get(o.id)).join(d.list)],
      };
    },
  };

  const TYPES = {
    single: choiceType,
    multiple: choiceType,
    truefalse: {
      render(q, ctx) {
        const widget = choiceWidget(ctx.name, false, [{ value: 't', text: t('true') }, { value: 'f', text: t('false') }]);
        return {
          node: widget.node,
          read: () => (widget.chosen().length ? widget.chosen()[0] === 't' : null),
          show: (value) => { widget.set([value ? 't' : 'f']); widget.mark([q.answer ? 't' : 'f'], [value ? 't' : 'f']); },
        };
      },
      isCorrect: (q, value) => value === !!q.answer,
      feedback: (q, value) => {
        const html = value ? q.feedback_true : q.feedback_false;
        return html ? [h('div', { html })] : [];
      },
      encode: (q, value) => (value ? 't' : 'f'),
      decode: (q, text) => (text === 't' ? true : text === 'f' ? false : null),
      report: (q, value, is12) => ({
        type: 'true-false',
        response: is12 ? (value ? 't' : 'f') : String(value),
        patterns: [is12 ? (q.answer ? 't' : 'f') : String(!!q.answer)],
      }),
    },
    matching: {
      render(q, ctx) {
        const targets = matchTargets(q);
        // Always shuffled: the authored order would give the answers away.
        const order = shuffled(targets.map((_, i) => i), ctx.rand);
        const rows = q.pairs.map((pair, i) => {
          const id = `${ctx.name}-${i}`;
          const select = h('select', { id },
            h('option', { value: '', text: t('choose') }),
            order.map((ti) => h('option', { value: String(ti), text: targets[ti] })));
          const row = h('div', { class: 'match-row', 'data-pair-id': pair.id },
            h('label', { for: id, class: 'match-prompt', html: pair.prompt }), select);
          return { row, select, pair };
        });
        return {
          node: h('div', { class: 'matching' }, rows.map((r) => r.row)),
          read: () => {
            const value = rows.map((r) => (r.select.value === '' ? -1 : Number(r.select.value)));
            return value.includes(-1) ? null : value;
          },
          incompleteMessage: 'answer_all_required',
          show(value) {
            rows.forEach((r, i) => {
              r.select.value = String(value[i]);
              const ok = targets[value[i]] === r.pair.match;
              r.row.classList.add(ok ? 'is-correct' : 'is-chosen-wrong');
              r.row.append(h('span', { class: 'marks' }, ok ? badge('ok', t('correct'))
                : badge('no', t('correct_answer_is', { answer: r.pair.match }))));
            });
          },
        };
      },
      isCorrect: (q, value) => {
        const targets = matchTargets(q);
        return q.pairs.every((pair, i) => targets[value[i]] === pair.match);
      },
      feedback: () => [],
      encode: (q, value) => value.join('.'),
      decode(q, text) {
        const value = text.split('.').map(Number);
        const max = matchTargets(q).length;
        return value.length === q.pairs.length && value.every((n) => Number.isInteger(n) && n >= 0 && n < max) ? value : null;
      },
      report(q, value, is12) {
        const sources = responseIds(q.pairs.map((p) => p.id), is12);
        const targets = matchTargets(q);
        const target = (text) => TARGET_CHARS[targets.indexOf(text) % TARGET_CHARS.length];
        const d = delims(is12);
        const pairs = (choose) => q.pairs.map((p, i) => sources.get(p.id) + d.pair + choose(p, i)).join(d.list);
        return {
          type: 'matching',
          response: pairs((p, i) => TARGET_CHARS[value[i] % TARGET_CHARS.length]),
          patterns: [pairs((p) => target(p.match))],
        };
      },
    },
    ordering: {
      render(q, ctx) {
        let order = shuffled(q.items.map((item) => item.id), ctx.rand);
        const canonical = q.items.map((item) => item.id);
        if (order.length > 1 && order.join() === canonical.join()) order.push(order.shift());
        const byId = new Map(q.items.map((item) => [item.id, item]));
        const list = h('ol', { class: 'order-list' });
        let locked = false;
        const draw = (focusId, direction) => {
          list.replaceChildren(...order.map((id, pos) => {
            const text = plain(byId.get(id).html);
            const button = (dir) => h('button', {
              type: 'button', class: 'icon-button', 'data-move': dir,
              'aria-label': t(dir === 'up' ? 'move_up' : 'move_down', { item: text }),
              disabled: locked || (dir === 'up' ? pos === 0 : pos === order.length - 1),
              onclick: () => move(id, dir === 'up' ? -1 : 1),
            }, h('span', { 'aria-hidden': 'true', text: dir === 'up' ? '↑' : '↓' }));
            return h('li', { class: 'order-item', 'data-item-id': id },
              h('span', { class: 'order-text', html: byId.get(id).html }),
              h('span', { class: 'order-buttons' }, button('up'), button('down')));
          }));
          if (focusId) {
            const li = list.querySelector(`[data-item-id="${CSS.escape(focusId)}"]`);
            const preferred = li.querySelector(`[data-move="${direction}"]`);
            (preferred.disabled ? li.querySelector('button:not([disabled])') : preferred).focus();
          }
        };
        const move = (id, delta) => {
          const from = order.indexOf(id);
          const to = from + delta;
          if (to < 0 || to >= order.length) return;
          [order[from], order[to]] = [order[to], order[from]];
          draw(id, delta < 0 ? 'up' : 'down');
          announce(t('moved', { item: plain(byId.get(id).html), n: to + 1, total: order.length }));
        };
        draw();
        return {
          node: list,
          read: () => order.slice(),
          show(value) {
            order = value.slice();
            locked = true;
            draw();
            list.classList.add(value.join() === canonical.join() ? 'is-correct' : 'is-chosen-wrong');
          },
        };
      },
      isCorrect: (q, value) => value.join('\u0000') === q.items.map((item) => item.id).join('\u0000'),
      feedback: (q, value) => (TYPES.ordering.isCorrect(q, value) ? [] : [h('div', { class: 'correct-order' },
        h('p', { text: t('correct_order') }), h('ol', null, q.items.map((item) => h('li', { html: item.html }))))]),
      encode: (q, value) => value.map(enc).join('.'),
      decode(q, text) {
        const ids = splitIds(text);
        return sameSet(ids, q.items.map((item) => item.id)) ? ids : null;
      },
      report(q, value, is12) {
        const ids = responseIds(q.items.map((item) => item.id), is12);
        const d = delims(is12);
        return {
          type: 'sequencing',
          response: value.map((id) => ids.get(id)).join(d.list),
          patterns: [q.items.map((item) => ids.get(item.id)).join(d.list)],
        };
      },
    },
    shortanswer: {
      render(q, ctx) {
        const input = h('input', { type: 'text', id: ctx.name, autocomplete: 'off', spellcheck: 'false', maxlength: '250' });
        return {
          node: h('div', { class: 'short-answer' }, h('label', { for: ctx.name, text: t('your_answer') }), input),
          read: () => (input.value.trim() ? input.value.trim() : null),
          show(value) {
            input.value = value;
            input.readOnly = true;
          },
        };
      },
      isCorrect: (q, value) => (q.answers || []).some((answer) =>
        normalise(answer, q.case_sensitive) === normalise(value, q.case_sensitive)),
      feedback: (q, value) => (TYPES.shortanswer.isCorrect(q, value) || !(q.answers || []).length ? []
        : [h('p', { text: t('correct_answer_is', { answer: q.answers[0] }) })]),
      encode: (q, value) => enc(value),
      decode: (q, text) => decodeURIComponent(text) || null,
      report(q, value, is12) {
        const answers = (q.answers || []).slice(0, 5).map(fillIn);
        const prefix = !is12 && q.case_sensitive ? '{case_matters=true}' : '';
        return { type: 'fill-in', response: fillIn(value), patterns: answers.map((a) => prefix + a) };
      },
    },
  };

  /* ---------- reporting ---------- */

  let lms = null;
  const started = Date.now();
  let reviewMode = false;

  function save() {
    if (!lms || !lms.live || lms.ended) return;
    const el = lms.el;
    lms.set(el.location, state.page);
    lms.set('cmi.suspend_data', encodeState());
    lms.set(el.exit, isDone() ? el.exitDone : 'suspend');
    lms.set(el.session, timespan(Date.now() - started, lms.is12));
    if (!lms.commit()) showBanner('save_failed', 'alert');
  }

  function isDone() {
    if (!HAS_QUIZ) return learnIds().every((id) => state.visited.has(id));
    const outOfAttempts = QUIZ.attempts > 0 && state.attempt >= QUIZ.attempts && state.phase === 'result';
    return (state.best != null && state.best >= QUIZ.pass_mark) || outOfAttempts;
  }

  function reportInteraction(q, value, correct, latencyMs) {
    if (!lms.live || reviewMode) return;
    const is12 = lms.is12;
    const n = parseInt(lms.get('cmi.interactions._count'), 10) || 0;
    const key = `cmi.interactions.${n}.`;
    const report = TYPES[q.type].report(q, value, is12);
    const id = q.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
    lms.set(key + 'id', id);
    lms.set(key + 'type', report.type);
    (q.outcomes || []).filter((o) => /^[A-Za-z0-9_.-]{1,64}$/.test(o)).slice(0, 10)
      .forEach((outcome, i) => lms.set(`${key}objectives.${i}.id`, outcome));
    lms.set(key + lms.el.time, clock(new Date(), is12));
    lms.set(key + 'weighting', '1');
    report.patterns.forEach((pattern, i) => lms.set(`${key}correct_responses.${i}.pattern`, pattern));
    lms.set(key + lms.el.response, report.response);
    lms.set(key + 'result', correct ? 'correct' : is12 ? 'wrong' : 'incorrect');
    lms.set(key + 'latency', timespan(latencyMs, is12));
    if (!is12) lms.set(key + 'description', plain(q.stem).slice(0, 250));
  }

  /** Status first, committed on its own, then the score. Moodle recomputes grade and completion only
   *  when a score arrives (reading the status already stored), and ignores a status that replaces an
   *  earlier one (such as the "incomplete" of the first launch). */
  function reportStatus() {
    if (!lms.live || reviewMode) return;
    const el = lms.el;
    if (HAS_QUIZ && state.best != null) {
      const passed = state.best >= QUIZ.pass_mark;
      if (lms.is12) lms.set(el.status, passed ? 'passed' : 'failed');
      else {
        lms.set(el.status, 'completed');
        lms.set(el.success, passed ? 'passed' : 'failed');
      }
      lms.commit();
      lms.set(el.score + '.raw', state.best);
      lms.set(el.score + '.min', 0);
      lms.set(el.score + '.max', 100);
      if (!lms.is12) lms.set(el.score + '.scaled', state.best / 100);
    } else if (!HAS_QUIZ && isDone()) {
      lms.set(el.status, 'completed');
    }
  }

  /* ---------- banners and notices ---------- */

  const shownBanners = new Set();
  function showBanner(key, role) {
    if (shownBanners.has(key)) return;
    shownBanners.add(key);
    $('banners').append(h('p', { class: 'banner banner-' + role, role, text: t(key) }));
  }

  function showResumeNotice() {
    const notice = h('div', { class: 'notice', role: 'status' },
      h('p', { text: t('resume_notice') }),
      h('div', { class: 'notice-actions' },
        h('button', { type: 'button', class: 'btn btn-link', text: t('start_over'), onclick: () => { clear(); go(pageIds()[0]); } }),
        h('button', { type: 'button', class: 'btn btn-link', text: t('dismiss'), onclick: () => { clear(); $('main').focus(); } })));
    const clear = () => $('notice').replaceChildren();
    $('notice').replaceChildren(notice);
  }

  /* ---------- navigation ---------- */

  const titleOf = (id) => (id === QUIZ_PAGE ? t('quiz_title') : id === EVAL_PAGE ? t('eval_post_title')
    : (PAGES.find((p) => p.id === id) || {}).title || '');

  function renderToc() {
    const ids = pageIds();
    const list = h('ol', { class: 'toc-list' }, ids.map((id) => {
      const current = id === state.page;
      let status = null;
      if (id === QUIZ_PAGE && state.best != null) {
        const passed = state.best >= QUIZ.pass_mark;
        status = h('span', { class: 'toc-status ' + (passed ? 'ok' : 'no'), text: t(passed ? 'status_passed' : 'status_failed') });
      }
      const visited = state.visited.has(id) && !current;
      return h('li', null, h('a', {
        href: '#' + encodeURIComponent(id), 'aria-current': current ? 'page' : null, class: visited ? 'is-visited' : null,
        onclick: (event) => { event.preventDefault(); go(id); closeTocOnSmallScreens(); },
      }, h('span', { class: 'toc-mark', 'aria-hidden': 'true', text: visited ? '✓' : '' }),
      h('span', { class: 'toc-label', text: titleOf(id) }), visited ? h('span', { class: 'sr-only', text: ' ' + t('visited') }) : null, status));
    }));
    const counted = learnIds();
    const seen = counted.filter((id) => state.visited.has(id)).length;
    const progress = h('div', { class: 'toc-progress' },
      h('p', { text: t('progress', { visited: seen, total: counted.length }) }),
      h('div', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `inline-size:${Math.round((100 * seen) / counted.length)}%` })));
    $('toc').replaceChildren(h('p', { class: 'toc-title', 'aria-hidden': 'true', text: t('contents') }), list, progress);
    $('toc').hidden = false;
  }

  function closeTocOnSmallScreens() {
    const toggle = $('toc-toggle');
    if (toggle && getComputedStyle(toggle).display !== 'none') setTocOpen(false);
  }
  function setTocOpen(open) {
    $('toc-toggle').setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('toc-open', open);
  }

  function go(id, options = {}) {
    if (!pageIds().includes(id)) id = pageIds()[0];
    state.page = id;
    state.visited.add(id);
    renderPage();
    renderToc();
    if (options.focus !== false) $('page-title').focus();
    if (!HAS_QUIZ) reportStatus();
    if (options.save !== false) save();
  }

  function pager() {
    const ids = pageIds();
    const at = ids.indexOf(state.page);
    const link = (id, cls, label) => h('button', { type: 'button', class: 'btn ' + cls, onclick: () => go(id) },
      h('span', { class: 'pager-dir' }, label), h('span', { class: 'pager-title', text: titleOf(id) }));
    return h('div', { class: 'pager' },
      at > 0 ? link(ids[at - 1], 'btn-secondary pager-prev', [h('span', { class: 'arrow', 'aria-hidden': 'true', text: '←' }), ' ', t('previous')]) : h('span'),
      at < ids.length - 1 ? link(ids[at + 1], 'btn-primary pager-next', [t('next'), ' ', h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' })]) : null);
  }

  function renderPage() {
    const page = PAGES.find((p) => p.id === state.page);
    const heading = h('h1', { id: 'page-title', tabindex: '-1', text: titleOf(state.page) });
    const body = page ? h('div', { class: 'content', html: page.html }) : state.page === EVAL_PAGE ? evalPage() : renderQuiz();
    const pre = page && page === PAGES[0] && PRE.length > 0 && !state.sent.has('pre') && !reviewMode ? preCard() : null;
    $('page').replaceChildren(h('article', { class: 'page', 'data-page-id': state.page }, heading, pre, body, pager()));
  }

  /* ---------- self-assessment ---------- */

  const attemptsLeft = () => !(QUIZ.attempts > 0) || state.attempt < QUIZ.attempts;
  const cursor = () => state.drawn.findIndex((id) => !state.answers.has(id));

  function renderQuiz() {
    const screen = h('div', { id: 'quiz-screen', class: 'quiz' });
    if (state.phase === 'active' && cursor() >= 0) screen.append(questionScreen(cursor()));
    else if (state.phase === 'result' || (state.phase === 'active' && cursor() < 0)) screen.append(resultScreen());
    else screen.append(introScreen());
    return screen;
  }

  function showQuizScreen(node) {
    $('quiz-screen').replaceChildren(node);
    const heading = node.querySelector('h2');
    if (heading) heading.focus();
  }

  function introScreen() {
    const attemptsText = QUIZ.attempts > 0 ? t('attempts_limited', { used: state.attempt, max: QUIZ.attempts }) : t('attempts_unlimited');
    const count = drawCount();
    return h('div', { class: 'quiz-intro' },
      h('p', { class: 'lead', text: t('quiz_intro', { count, pass: pct(QUIZ.pass_mark) }) }),
      h('p', { text: t('quiz_feedback_note') + ' ' + attemptsText }),
      attemptsLeft() ? h('button', { type: 'button', class: 'btn btn-primary', text: t('quiz_start'), onclick: startAttempt })
        : h('p', { text: t('no_attempts_left') }));
  }

  function drawCount() {
    if (!QUIZ.pools || !QUIZ.pools.length) return QUESTIONS.size;
    return drawQuestions(1).length; // draw sizes do not depend on the seed
  }

  function startAttempt() {
    state.attempt += 1;
    state.seed = (Math.floor(Math.random() * 0x7fffffff) ^ Date.now()) >>> 0;
    state.drawn = drawQuestions(state.seed);
    state.answers = new Map();
    state.phase = 'active';
    save();
    showQuizScreen(questionScreen(0));
  }

  function questionScreen(index) {
    const id = state.drawn[index];
    const q = QUESTIONS.get(id);
    const type = TYPES[q.type];
    const name = 'q' + index;
    const view = type.render(q, { name, rand: questionRand(id) });
    const shownAt = Date.now();
    const total = state.drawn.length;
    const last = index === total - 1;
    const feedback = h('div', { class: 'feedback-region', 'aria-live': 'polite' });
    const message = h('p', { class: 'form-message', role: 'alert' });
    const checkButton = h('button', { type: 'submit', class: 'btn btn-primary', text: t('check') });
    const nextButton = h('button', {
      type: 'button', class: 'btn btn-primary', hidden: true, text: t(last ? 'see_result' : 'next_question'),
      onclick: () => (last ? showResult() : showQuizScreen(questionScreen(index + 1))),
    });
    const form = h('form', {
      class: 'question', 'data-question-id': id, 'data-question-type': q.type, novalidate: true,
      onsubmit(event) {
        event.preventDefault();
        if (state.answers.has(id)) return;
        const value = view.read();
        if (value == null) { message.textContent = t(view.incompleteMessage || 'answer_required'); return; }
        message.textContent = '';
        const correct = type.isCorrect(q, value);
        state.answers.set(id, { value, correct });
        reportInteraction(q, value, correct, Date.now() - shownAt);
        if (cursor() < 0) finishAttempt();
        save();
        lockQuestion(q, value, correct); // the feedback region (aria-live) reads the verdict out
        nextButton.focus();
      },
    }, h('fieldset', null, h('legend', { class: 'stem', html: q.stem }), view.node), message, feedback,
    h('div', { class: 'question-actions' }, checkButton, nextButton));

    function lockQuestion(question, value, correct) {
      view.show(value);
      form.querySelectorAll('input, select').forEach((input) => { input.disabled = input.type !== 'text'; });
      checkButton.hidden = true;
      nextButton.hidden = false;
      feedback.replaceChildren(h('div', { class: 'feedback ' + (correct ? 'feedback-ok' : 'feedback-no') },
        h('p', { class: 'verdict', text: t(correct ? 'correct' : 'incorrect') }),
        type.feedback(question, value), question.feedback ? h('div', { class: 'general-feedback', html: question.feedback }) : null));
    }

    return h('section', { class: 'question-screen', 'aria-labelledby': 'question-heading' },
      h('h2', { id: 'question-heading', tabindex: '-1', text: t('question_of', { n: index + 1, total }) }),
      h('div', { class: 'progress', 'aria-hidden': 'true' }, h('span', { style: `inline-size:${Math.round((100 * index) / total)}%` })),
      form);
  }

  function finishAttempt() {
    const total = state.drawn.length;
    const right = state.drawn.filter((id) => state.answers.get(id).correct).length;
    const score = total ? Math.round((10000 * right) / total) / 100 : 0;
    state.last = score;
    state.best = state.best == null ? score : Math.max(state.best, score);
    state.phase = 'result';
    reportStatus();
    renderToc();
  }

  function showResult() {
    showQuizScreen(resultScreen());
    announce([...$('quiz-screen').querySelectorAll('.result p')].map((p) => p.textContent).join(' '));
  }

  function resultScreen() {
    if (state.phase === 'active') finishAttempt();
    const total = state.drawn.length;
    const right = state.drawn.filter((id) => (state.answers.get(id) || {}).correct).length;
    const passed = state.last != null && state.last >= QUIZ.pass_mark;
    const actions = h('div', { class: 'result-actions' });
    if (attemptsLeft()) actions.append(h('button', { type: 'button', class: 'btn btn-primary', text: t('retry'), onclick: startAttempt }));
    else actions.append(h('p', { text: t('no_attempts_left') }));
    if (offersEvaluation() && !state.sent.has('post')) actions.append(h('button', { type: 'button', class: 'btn btn-secondary', text: t('eval_post_title'), onclick: () => go(EVAL_PAGE) }));
    actions.append(h('button', { type: 'button', class: 'btn btn-secondary', text: t('review_course'), onclick: () => go(pageIds()[0]) }));
    if (lms && lms.live) actions.append(h('button', { type: 'button', class: 'btn btn-secondary', text: t('save_exit'), onclick: exitCourse }));
    return h('section', { class: 'result-screen', 'aria-labelledby': 'result-heading' },
      h('h2', { id: 'result-heading', tabindex: '-1', text: t('result_title') }),
      h('div', { class: 'result ' + (passed ? 'result-pass' : 'result-fail') },
        h('p', { class: 'result-score', text: pct(state.last || 0) }),
        h('p', { class: 'result-verdict', text: passed ? t('passed') : t('failed', { pass: pct(QUIZ.pass_mark) }) }),
        h('p', { text: t('score', { score: pct(state.last || 0), correct: right, total }) }),
        state.best != null && state.best > state.last ? h('p', { text: t('best_score', { score: pct(state.best) }) }) : null),
      actions);
  }

  /* ---------- training evaluation: recorded as interactions, never in the score or status ---------- */

  // What the LMS keeps of a free-text answer: SCORM 1.2 fill-in 255 characters, 2004 long-fill-in 4000.
  const TEXT_LIMIT = STANDARD === 'scorm12' ? 255 : 4000;
  // One line (2004 language strings stop at a line break) that cannot open with a {lang=..} delimiter.
  const freeText = (text) => text.replace(/\s+/g, ' ').trim().replace(/^\{/, '(');
  function clip(text, max) {
    const cut = text.slice(0, max);
    return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut; // never split a surrogate pair
  }

  function evalField(q, name) {
    if (q.type === 'text') {
      const area = h('textarea', { id: name, rows: '4', 'aria-describedby': name + '-count' });
      const counter = h('p', { id: name + '-count', class: 'eval-count' });
      let over = false;
      const update = () => {
        const count = freeText(area.value).length;
        counter.textContent = t('eval_chars', { count, max: TEXT_LIMIT }) + (count > TEXT_LIMIT ? ' ' + t('eval_too_long', { max: TEXT_LIMIT }) : '');
        counter.classList.toggle('is-over', count > TEXT_LIMIT);
        if (count > TEXT_LIMIT && !over) announce(t('eval_too_long', { max: TEXT_LIMIT }));
        over = count > TEXT_LIMIT;
      };
      area.addEventListener('input', update);
      update();
      return {
        node: h('div', { class: 'eval-q' }, h('label', { for: name, text: q.text }), area, counter),
        read() {
          const text = freeText(area.value);
          const response = clip(text, TEXT_LIMIT);
          return text ? { q, response, shortened: response.length < text.length } : null;
        },
      };
    }
    const options = q.type === 'rating'
      ? [1, 2, 3, 4, 5].map((n) => ({ value: String(n), text: `${NUMBER.format(n)} · ${t('eval_scale_' + n)}` }))
      : q.options.map((o) => ({ value: o.id, text: o.text }));
    const widget = choiceWidget(name, false, options);
    return {
      node: h('fieldset', { class: 'eval-q eval-' + q.type }, h('legend', { text: q.text }), widget.node),
      read: () => (widget.chosen().length ? { q, response: widget.chosen()[0] } : null),
    };
  }

  /** One form; on sending, its answers become interactions and `done(shortened)` shows the thanks. */
  function evalForm(form, questions, sendKey, done) {
    const fields = questions.map((q, i) => evalField(q, `eval-${form}-${i}`));
    const message = h('p', { class: 'form-message', role: 'alert' });
    return h('form', {
      class: 'eval-form', 'data-form': form, novalidate: true,
      onsubmit(event) {
        event.preventDefault();
        const answers = fields.map((f) => f.read()).filter(Boolean);
        if (!answers.length) { message.textContent = t('eval_answer_one'); return; }
        reportEvaluation(answers);
        state.sent.add(form);
        save();
        done(answers.some((a) => a.shortened));
      },
    }, fields.map((f) => f.node), message,
    h('div', { class: 'question-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: t(sendKey) })));
  }

  function thanks(key, shortened) {
    return h('div', { class: 'eval-thanks', role: 'status', tabindex: '-1' }, h('p', { text: t(key) }),
      shortened ? h('p', { text: t('eval_shortened', { max: TEXT_LIMIT }) }) : null);
  }

  function preCard() {
    const card = h('section', { class: 'eval-card', 'aria-labelledby': 'pre-heading' });
    const form = evalForm('pre', PRE, 'eval_send', (shortened) => {
      card.replaceChildren(thanks('eval_pre_thanks', shortened));
      card.firstChild.focus();
    });
    form.hidden = true;
    form.id = 'pre-form';
    const open = h('button', {
      type: 'button', class: 'btn btn-secondary', 'aria-expanded': 'false', 'aria-controls': 'pre-form', text: t('eval_pre_open'),
      onclick() {
        form.hidden = !form.hidden;
        open.setAttribute('aria-expanded', String(!form.hidden));
        if (!form.hidden) form.querySelector('input, textarea').focus();
      },
    });
    card.append(h('h2', { id: 'pre-heading', text: t('eval_pre_title') }), h('p', { text: t('eval_pre_intro') }), open, form);
    return card;
  }

  function evalPage() {
    const box = h('div', { class: 'eval' });
    if (state.sent.has('post')) box.append(thanks('eval_post_thanks', false));
    else {
      box.append(h('p', { class: 'lead', text: t('eval_post_intro') }), evalForm('post', POST, 'eval_post_send', (shortened) => {
        box.replaceChildren(thanks('eval_post_thanks', shortened));
        box.firstChild.focus();
      }));
    }
    return box;
  }

  /** likert for ratings; fill-in for choices (the option id) and, in 1.2, free text; 2004 long-fill-in. */
  function reportEvaluation(answers) {
    if (!lms.live || reviewMode) return;
    const is12 = lms.is12;
    let n = parseInt(lms.get('cmi.interactions._count'), 10) || 0;
    for (const { q, response } of answers) {
      const key = `cmi.interactions.${n++}.`;
      lms.set(key + 'id', q.id);
      lms.set(key + 'type', q.type === 'rating' ? 'likert' : q.type === 'text' && !is12 ? 'long-fill-in' : 'fill-in');
      lms.set(key + lms.el.time, clock(new Date(), is12));
      lms.set(key + lms.el.response, response);
      lms.set(key + 'result', 'neutral');
      if (!is12) lms.set(key + 'description', q.text.slice(0, 250));
    }
  }

  /* ---------- start and exit ---------- */

  function exitCourse() {
    save();
    lms.finish();
    showEnded('saved_title', 'saved_text');
  }

  function showEnded(titleKey, textKey) {
    $('toc').hidden = true;
    $('header-actions').replaceChildren();
    $('notice').replaceChildren();
    $('page').replaceChildren(h('article', { class: 'page' },
      h('h1', { id: 'page-title', tabindex: '-1', text: t(titleKey) }), h('p', { text: t(textKey) })));
    $('page-title').focus();
  }

  function onLeave() {
    if (!lms.live || lms.ended) return;
    save();
    lms.finish();
  }

  function start() {
    lms = connect();
    if (!lms.live) showBanner(lms.found ? 'lms_unavailable' : 'preview_mode', lms.found ? 'alert' : 'note');
    let resumed = false;
    if (lms.live) {
      const el = lms.el;
      reviewMode = lms.get(el.mode) === 'review';
      restoreState(lms.get('cmi.suspend_data'));
      const location = lms.get(el.location);
      if (location && pageIds().includes(location)) {
        state.page = location;
        resumed = location !== pageIds()[0];
      }
      const status = lms.get(el.status);
      if (!reviewMode && ['not attempted', 'unknown', ''].includes(status)) lms.set(el.status, 'incomplete');
      lms.set(el.exit, 'suspend'); // a crash or closed tab should resume, not restart
    }

    const toggle = h('button', {
      type: 'button', id: 'toc-toggle', class: 'btn btn-header toc-toggle', 'aria-expanded': 'false', 'aria-controls': 'toc',
      onclick: () => setTocOpen(toggle.getAttribute('aria-expanded') !== 'true'),
    }, h('span', { 'aria-hidden': 'true', text: '☰ ' }), t('contents'));
    $('header-actions').append(toggle);
    if (lms.live) $('header-actions').append(h('button', { type: 'button', class: 'btn btn-header', text: t('save_exit'), onclick: exitCourse }));

    if (resumed) showResumeNotice();
    go(state.page, { focus: false });

    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') save(); });
    window.addEventListener('pagehide', onLeave);
    window.addEventListener('pageshow', (event) => {
      // Restored from the back/forward cache after Terminate: SCORM allows no second Initialize.
      if (event.persisted && lms.live && lms.ended) showEnded('saved_title', 'session_ended');
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && document.body.classList.contains('toc-open')) { setTocOpen(false); toggle.focus(); }
    });
  }

  start();
})();
