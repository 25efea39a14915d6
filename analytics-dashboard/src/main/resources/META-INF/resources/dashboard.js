// The analysts' dashboard: reads /api/v1/analytics/* with the analyst's token and charts it with
// ECharts. The token comes from the URL's fragment (#token=…, never sent to the server) or the paste
// box, and lives in sessionStorage (this tab only). Polls every POLL_MS while the tab is visible.
(function () {
  'use strict';

  const POLL_MS = 5000;
  const TOKEN_KEY = 'points.analyst.token';
  const LANG_KEY = 'points.dashboard.lang';
  const API = '/api/v1/analytics';

  const TEXT = {
    en: {
      title: 'Points analytics', from: 'From', to: 'To', apply: 'Apply', allDays: 'All days',
      issued: 'Issued', spent: 'Spent', expired: 'Expired', reversed: 'Reversed',
      redemptionRate: 'Redemption rate', expiryRate: 'Expiry rate', outstanding: 'Outstanding points',
      outstandingYuan: 'Outstanding, in yuan', expiring30: 'Expiring in 30 days', members: 'Members',
      chartDaily: 'Points per day', chartRewards: 'Top rewards (redemptions)',
      chartExpiring: 'Points expiring in the next 30 days', chartTiers: 'Members per tier',
      rewardsEmpty: 'No reward redeemed yet', expiringEmpty: 'No points expire in the next 30 days',
      emptyTitle: 'No events yet',
      emptyText: 'Nothing has been replayed into the analytics database so far. Once the stack takes orders '
        + '(deploy/local/demo.sh makes a month of them), the live replay fills this page within seconds.',
      tokenLabel: "Analyst's token", tokenSave: 'Use this token', tokenForget: 'Forget the token',
      tokenHint: 'Get one with',
      tokenMissing: 'This page needs an analyst\'s token: paste one below, or open the URL that deploy/local/up.sh prints.',
      tokenExpired: 'The token has expired or is not valid here: paste a fresh one.',
      tokenForbidden: 'This token\'s role may not read analytics: it needs the analyst or admin role.',
      outstandingLine: 'Outstanding', redeemed: 'Redeemed', pointsSpent: 'Points spent',
      dataAsOf: 'Newest event {time} ({ago})', replayWrote: 'replay last wrote {ago}', noData: 'No events yet',
      live: 'updates every {s} s', unreadable: 'Records of the log the replay could not read: {n} (see its log, and analytics.unreadable)',
      error: 'Could not load the numbers ({why}); trying again.', range: '{from} – {to}'
    },
    'zh-CN': {
      title: '积分分析', from: '从', to: '到', apply: '应用', allDays: '全部日期',
      issued: '发放', spent: '消耗', expired: '过期', reversed: '冲回',
      redemptionRate: '兑换率', expiryRate: '过期率', outstanding: '未兑积分',
      outstandingYuan: '未兑积分（元）', expiring30: '30 天内过期', members: '会员数',
      chartDaily: '每日积分', chartRewards: '热门奖品（兑换次数）',
      chartExpiring: '未来 30 天内过期的积分', chartTiers: '各等级会员数',
      rewardsEmpty: '还没有兑换', expiringEmpty: '未来 30 天没有积分过期',
      emptyTitle: '还没有事件',
      emptyText: '分析数据库里还没有重放的事件。系统开始接单后（deploy/local/demo.sh 可模拟一个月），实时重放几秒内就会填满此页。',
      tokenLabel: '分析员令牌', tokenSave: '使用此令牌', tokenForget: '清除令牌',
      tokenHint: '获取方式：',
      tokenMissing: '此页需要分析员令牌：请在下方粘贴，或打开 deploy/local/up.sh 打印的网址。',
      tokenExpired: '令牌已过期或在此无效：请粘贴新的令牌。',
      tokenForbidden: '此令牌的角色不能读取分析数据：需要 analyst 或 admin 角色。',
      outstandingLine: '未兑积分', redeemed: '兑换次数', pointsSpent: '消耗积分',
      dataAsOf: '最新事件 {time}（{ago}）', replayWrote: '重放最近写入于{ago}', noData: '还没有事件',
      live: '每 {s} 秒更新', unreadable: '重放无法读取的日志记录：{n} 条（见重放日志和 analytics.unreadable）',
      error: '无法加载数据（{why}），正在重试。', range: '{from} 至 {to}'
    }
  };

  const state = { lang: pickLanguage(), token: null, from: '', to: '', data: null, timer: null, charts: {} };

  function pickLanguage() {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved && TEXT[saved]) return saved;
    const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    for (const l of wanted) {
      if (/^zh\b/i.test(l)) return 'zh-CN';
      if (/^en\b/i.test(l)) return 'en';
    }
    return 'en';
  }

  function t(key, values) {
    let s = (TEXT[state.lang] && TEXT[state.lang][key]) || TEXT.en[key] || key;
    if (values) for (const [k, v] of Object.entries(values)) s = s.replace('{' + k + '}', v);
    return s;
  }

  // --- formatting (Intl) -----------------------------------------------------------------------

  const fmt = {
    int: (n) => new Intl.NumberFormat(state.lang).format(n),
    percent: (r) => new Intl.NumberFormat(state.lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(r),
    yuan: (y) => new Intl.NumberFormat(state.lang, { style: 'currency', currency: 'CNY' }).format(y),
    // A day (yyyy-MM-dd) is a calendar day: formatted in UTC so no zone moves it.
    day: (d) => new Intl.DateTimeFormat(state.lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(d + 'T00:00:00Z')),
    shortDay: (d) => new Intl.DateTimeFormat(state.lang, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(d + 'T00:00:00Z')),
    time: (iso) => new Intl.DateTimeFormat(state.lang, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso)),
    ago: (iso) => {
      const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
      const rtf = new Intl.RelativeTimeFormat(state.lang, { numeric: 'auto' });
      const abs = Math.abs(seconds);
      if (abs < 60) return rtf.format(seconds, 'second');
      if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
      if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
      return rtf.format(Math.round(seconds / 86400), 'day');
    }
  };

  const $ = (id) => document.getElementById(id);

  // --- the token -------------------------------------------------------------------------------

  function takeTokenFromFragment() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      // Out of the address bar, so it is not bookmarked or shared with the URL.
      history.replaceState(null, '', location.pathname + location.search);
    }
    state.token = sessionStorage.getItem(TOKEN_KEY);
  }

  function askForToken(reason) {
    stopPolling();
    $('token-panel').hidden = false;
    $('dashboard').hidden = true;
    $('token-message').dataset.state = reason;
    $('token-message').textContent = t(reason === 'expired' ? 'tokenExpired' : reason === 'forbidden' ? 'tokenForbidden' : 'tokenMissing');
    setFreshness('error', '');
  }

  // --- loading ---------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, code, detail) { super(code || ('HTTP ' + status)); this.status = status; this.code = code; this.detail = detail; }
  }

  async function get(path) {
    const response = await fetch(API + path, { headers: { Authorization: 'Bearer ' + state.token, Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) {
      let problem = {};
      try { problem = await response.json(); } catch (ignored) { /* not a problem document */ }
      throw new HttpError(response.status, problem.code, problem.detail);
    }
    return response.json();
  }

  function rangeQuery() {
    const q = new URLSearchParams();
    if (state.from) q.set('from', state.from);
    if (state.to) q.set('to', state.to);
    const s = q.toString();
    return s ? '?' + s : '';
  }

  async function load() {
    if (!state.token) { askForToken('missing'); return; }
    try {
      const [summary, daily, rewards, expiring, tiers] = await Promise.all([
        get('/summary' + rangeQuery()), get('/daily' + rangeQuery()), get('/rewards/top?limit=10'),
        get('/expiring?days=30'), get('/tiers')]);
      state.data = { summary, daily, rewards, expiring, tiers };
      $('token-panel').hidden = true;
      $('dashboard').hidden = false;
      $('error').hidden = true;
      render();
      schedule();
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) { askForToken('expired'); return; }
      if (e instanceof HttpError && e.status === 403) { askForToken('forbidden'); return; }
      if (e instanceof HttpError && e.code === 'ANALYTICS_NOT_READY') {
        // No analytics schema yet (the replay has not run once): the empty state, saying why.
        $('token-panel').hidden = true;
        $('dashboard').hidden = false;
        $('empty-state').hidden = false;
        $('content').hidden = true;
        $('empty-detail').textContent = e.detail || '';
        setFreshness('stale', t('noData'));
        schedule();
        return;
      }
      $('error').hidden = false;
      $('error').textContent = t('error', { why: e.message });
      setFreshness('error', t('error', { why: e.message }));
      schedule();
    }
  }

  function schedule() {
    stopPolling();
    state.timer = setTimeout(() => { if (document.hidden) schedule(); else load(); }, POLL_MS);
  }

  function stopPolling() {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
  }

  // --- rendering -------------------------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll('.lang button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang)));
    if (!$('token-panel').hidden) askForToken($('token-message').dataset.state);
    if (state.data) render();
  }

  function setFreshness(s, text) {
    $('freshness').dataset.state = s;
    $('freshness').textContent = text;
  }

  // A number on the page: the formatted text for people, the raw value in data-value for tools and tests.
  function setNumber(id, value, format) {
    const el = $(id);
    el.dataset.value = value === null || value === undefined ? '' : String(value);
    el.textContent = value === null || value === undefined ? '–' : format(value);
  }

  function render() {
    const { summary, daily, rewards, expiring, tiers } = state.data;
    const members = tiers.reduce((sum, tier) => sum + tier.members, 0);
    $('empty-state').hidden = !summary.empty;
    $('empty-detail').textContent = '';
    $('content').hidden = summary.empty;
    $('range-shown').textContent = summary.from ? t('range', { from: fmt.day(summary.from), to: fmt.day(summary.to) }) : '';
    if (summary.empty) {
      setFreshness('live', t('noData') + ' · ' + t('live', { s: POLL_MS / 1000 }));
    } else {
      const parts = [t('dataAsOf', { time: fmt.time(summary.lastEventAt), ago: fmt.ago(summary.lastEventAt) })];
      if (summary.replayUpdatedAt) parts.push(t('replayWrote', { ago: fmt.ago(summary.replayUpdatedAt) }));
      parts.push(t('live', { s: POLL_MS / 1000 }));
      setFreshness('live', parts.join(' · '));
    }
    $('freshness').dataset.lastEventAt = summary.lastEventAt || '';
    $('unreadable').hidden = !summary.unreadableRecords;
    $('unreadable').textContent = t('unreadable', { n: fmt.int(summary.unreadableRecords || 0) });
    if (summary.empty) return;

    setNumber('kpi-issued', summary.issued, fmt.int);
    setNumber('kpi-spent', summary.spent, fmt.int);
    setNumber('kpi-expired', summary.expired, fmt.int);
    setNumber('kpi-reversed', summary.reversed, fmt.int);
    setNumber('kpi-redemption-rate', summary.redemptionRate, fmt.percent);
    setNumber('kpi-expiry-rate', summary.expiryRate, fmt.percent);
    setNumber('kpi-outstanding-points', summary.outstandingPoints, fmt.int);
    setNumber('kpi-outstanding-yuan', summary.outstandingYuan, fmt.yuan);
    setNumber('kpi-expiring-points', expiring.points, fmt.int);
    setNumber('kpi-members', members, fmt.int);

    chart('daily').setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.int(v) },
      legend: { top: 0 },
      grid: { left: 60, right: 70, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: daily.map((d) => d.day), axisLabel: { formatter: (d) => fmt.shortDay(d) } },
      yAxis: [{ type: 'value', axisLabel: { formatter: (v) => fmt.int(v) } },
        { type: 'value', axisLabel: { formatter: (v) => fmt.int(v) }, splitLine: { show: false } }],
      series: [
        { name: t('issued'), type: 'bar', data: daily.map((d) => d.issued) },
        { name: t('spent'), type: 'bar', data: daily.map((d) => d.spent) },
        { name: t('expired'), type: 'bar', data: daily.map((d) => d.expired) },
        { name: t('reversed'), type: 'bar', data: daily.map((d) => d.reversed) },
        { name: t('outstandingLine'), type: 'line', yAxisIndex: 1, data: daily.map((d) => d.outstanding) }
      ]
    }, true);

    $('rewards-empty').hidden = rewards.length > 0;
    const top = rewards.slice().reverse();
    chart('rewards').setOption({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => fmt.int(v) },
      // containLabel: the grid makes room for the reward names (cut to 24 characters, whole in the tooltip).
      grid: { left: 10, right: 30, top: 10, bottom: 30, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v) => fmt.int(v) } },
      yAxis: { type: 'category', data: top.map((r) => r.name || r.rewardId),
        axisLabel: { formatter: (name) => (name.length > 24 ? name.slice(0, 23) + '…' : name) } },
      series: [{ name: t('redeemed'), type: 'bar', data: top.map((r) => r.redeemed) }]
    }, true);

    $('expiring-empty').hidden = expiring.byDay.length > 0;
    chart('expiring').setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt.int(v) },
      grid: { left: 60, right: 20, top: 10, bottom: 30 },
      xAxis: { type: 'category', data: expiring.byDay.map((d) => d.day), axisLabel: { formatter: (d) => fmt.shortDay(d) } },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => fmt.int(v) } },
      series: [{ name: t('expired'), type: 'bar', data: expiring.byDay.map((d) => d.points), itemStyle: { color: '#c2410c' } }]
    }, true);

    chart('tiers').setOption({
      animation: false,
      tooltip: { trigger: 'item', valueFormatter: (v) => fmt.int(v) },
      legend: { bottom: 0 },
      series: [{ name: t('members'), type: 'pie', radius: ['35%', '65%'],
        data: tiers.map((tier) => ({ name: tier.tier, value: tier.members })) }]
    }, true);
  }

  // Drawn anew at every poll, so without animation: bars that grew again every few seconds would
  // draw the eye to nothing new (and a screenshot would catch them half-way).
  function chart(name) {
    if (!state.charts[name]) state.charts[name] = echarts.init($('chart-' + name));
    return state.charts[name];
  }

  // --- wiring ----------------------------------------------------------------------------------

  function start() {
    takeTokenFromFragment();
    document.querySelectorAll('.lang button').forEach((b) => b.addEventListener('click', () => {
      state.lang = b.dataset.lang;
      localStorage.setItem(LANG_KEY, state.lang);
      applyLanguage();
    }));
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token-input').value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      state.token = token;
      $('token-input').value = '';
      load();
    });
    $('token-forget').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      state.token = null;
      askForToken('missing');
    });
    $('range').addEventListener('submit', (e) => {
      e.preventDefault();
      state.from = $('from').value;
      state.to = $('to').value;
      load();
    });
    $('range-clear').addEventListener('click', () => {
      $('from').value = '';
      $('to').value = '';
      state.from = state.to = '';
      load();
    });
    window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
    document.addEventListener('visibilitychange', () => { if (!document.hidden && state.token && state.data) load(); });
    applyLanguage();
    load();
  }

  start();
}());
