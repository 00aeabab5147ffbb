// gongshi serve: reloads the page after a successful rebuild and shows the error of a
// failed one. Long-polls /__gongshi/status (no websockets). CSP-safe: no eval, no
// inline handlers, DOM APIs and textContent only; styles are set through the CSSOM
// (element.style), which style-src 'self' allows.
(() => {
  'use strict';

  const script = document.currentScript;
  const statusUrl = script && script.src
    ? new URL('status', script.src)
    : new URL('/__gongshi/status', window.location.href);
  const NOTICE_ID = 'gongshi-build-error';
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function fetchStatus(since) {
    const url = new URL(statusUrl.href);
    url.searchParams.set('since', String(since));
    const response = await fetch(url.href, { cache: 'no-store' });
    if (!response.ok) {
      throw new Error('HTTP ' + response.status);
    }
    return response.json();
  }

  function hideError() {
    const old = document.getElementById(NOTICE_ID);
    if (old) {
      old.remove();
    }
  }

  function showError(text) {
    hideError();
    const notice = document.createElement('div');
    notice.id = NOTICE_ID;
    notice.setAttribute('role', 'alert');
    const s = notice.style;
    s.position = 'fixed';
    s.top = '0';
    s.left = '0';
    s.right = '0';
    s.zIndex = '2147483647';
    s.maxHeight = '60vh';
    s.overflow = 'auto';
    s.boxSizing = 'border-box';
    s.padding = '12px 16px';
    s.background = '#fff1f0';
    s.color = '#5c0011';
    s.borderBottom = '3px solid #cf1322';
    s.boxShadow = '0 2px 8px rgba(0, 0, 0, 0.25)';
    s.fontFamily = 'system-ui, sans-serif';
    s.textAlign = 'left';

    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '关闭';
    close.style.float = 'right';
    close.style.marginLeft = '12px';
    close.addEventListener('click', hideError);

    const heading = document.createElement('h2');
    heading.textContent = '构建失败，显示的是上一次成功的版本';
    heading.style.margin = '0 0 8px';
    heading.style.fontSize = '16px';

    const pre = document.createElement('pre');
    pre.textContent = text;
    pre.style.margin = '0';
    pre.style.whiteSpace = 'pre-wrap';
    pre.style.fontSize = '13px';
    pre.style.lineHeight = '1.4';
    pre.style.fontFamily = 'ui-monospace, Menlo, Consolas, monospace';

    notice.append(close, heading, pre);
    (document.body || document.documentElement).append(notice);
  }

  async function run() {
    let version = -1;
    for (;;) {
      let status;
      try {
        status = await fetchStatus(version);
      } catch (e) {
        // The server is restarting or gone: try again shortly.
        await sleep(1000);
        continue;
      }
      if (status.version === version) {
        continue; // The long-poll timed out without a rebuild.
      }
      if (version !== -1 && status.error === null) {
        window.location.reload();
        return;
      }
      if (status.error === null) {
        hideError();
      } else {
        showError(status.error);
      }
      version = status.version;
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', run);
  } else {
    run();
  }
})();
