"""The documented ``Rule`` objects of checks/links/links.py (kept apart so links.py stays readable).

Thresholds named in the docs live in config/rules.yaml (``links:``, ``soft404:``) and in the
site profile (``links.max_redirects``, ``links.jump_link_patterns``, ``soft404.*``).
Basis marks follow `docs/rule-book.md`: [C] read in source, [S] secondary,
[U] unconfirmed.
"""

from __future__ import annotations

from checks.base import Rule

_D6 = ("国办秘函〔2019〕19号 扣分项 D6 链接可用性（首页及其他页面不可用链接，含图片、附件、外部链接）[U]；"
       "厂商口径区分首页/全站、确定/疑似 [S]")

LINK_BROKEN_HOME = Rule(
    id="link-broken-home", title_zh="首页不可用链接", title_en="Broken link on the homepage",
    severity="error", assessment="deduction", basis=_D6,
    advice_zh="修正或删除首页上的该链接（含图片、附件、外部链接）；若目标已迁移，改为新地址或在原地址设置 301 跳转。",
    advice_en="Fix or remove this link on the homepage (images, attachments and external links count); "
              "if the target moved, link the new address or 301-redirect the old one.",
    doc="What: a link, image, script, stylesheet, attachment or external URL cited on the homepage whose "
        "target answered 404, 410 or another 4xx (except the could-not-verify set in "
        "`links.unverified_statuses`), a 5xx after the crawler's retries, or failed with DNS, connection "
        "refused/reset or TLS. One finding per target; `referrers` lists every citing page.\n"
        "Why: homepage links are scored separately under D6 链接可用性 and are what every visitor and "
        "inspector sees first.\n"
        "Example: the homepage's 政策文件 banner links /zcwj/2019/old.html, which answers 404.",
)
LINK_BROKEN = Rule(
    id="link-broken", title_zh="不可用链接", title_en="Broken link",
    severity="error", assessment="deduction", basis=_D6,
    advice_zh="修正或删除引用页面上的该链接；若目标已迁移，改为新地址或设置 301 跳转。",
    advice_en="Fix or remove the link on the citing pages; if the target moved, link the new address "
              "or 301-redirect the old one.",
    doc="What: the same verdict as link-broken-home for targets cited only from pages other than the "
        "homepage. Rate limits (429), auth walls (401/407), 403 and bot walls are link-unverified, "
        "timeouts link-timeout, robots-excluded and trap/limit-skipped URLs are never judged.\n"
        "Why: D6 链接可用性 deducts per broken link on other pages; a dead link also breaks the chain "
        "from a notice to its attachment or policy text.\n"
        "Example: /xxgk/tzgg/2024/notice.html links /files/2024/plan.pdf, which answers 404.",
)
LINK_TIMEOUT = Rule(
    id="link-timeout", title_zh="链接访问超时（疑似不可用）", title_en="Link timed out (suspected broken)",
    severity="warning", assessment="advisory", basis=_D6,
    advice_zh="在浏览器中打开目标确认；若确实缓慢，请目标网站运维排查性能，或改链到更稳定的地址。",
    advice_en="Open the target in a browser; if it is really slow, ask its operators to fix it or link "
              "a more reliable address.",
    doc="What: the target did not answer within `limits.timeout_s` after `links.retries` retries.\n"
        "Why: a timeout is only 疑似 (suspected) broken: vendors report it apart from 确定 (confirmed) "
        "broken links because a slow server or a transient network fault looks the same.\n"
        "Example: an external 办事 link that takes 30 s to answer on every attempt.",
)
LINK_UNVERIFIED = Rule(
    id="link-unverified", title_zh="链接无法核验", title_en="Link could not be verified",
    severity="info", assessment=None,
    basis="巡检质量事实，非扣分项：反爬/认证/限流导致无法核验，不计为不可用链接（参见 D6 [U] 的确定/疑似口径 [S]）",
    advice_zh="人工在浏览器中核对该链接；若属本单位网站，请将巡检程序的出口地址或 User-Agent 加入防火墙白名单。",
    advice_en="Check the link by hand in a browser; if the target is your own site, allow-list the "
              "inspection crawler's address or User-Agent in its firewall.",
    doc="What: the target answered 401, 403, 407, 429 or 999 (`links.unverified_statuses`), a bot wall "
        "or challenge (403/503 with `server: cloudflare`, `cf-mitigated: challenge` or a challenge page, "
        "see `links.bot_wall`), a HEAD refusal never confirmed by GET, or an unclassified network error. "
        "The finding carries the reason and the headers that justify it. When the crawler's "
        "re-verification with a browser User-Agent got a 2xx, there is no finding at all.\n"
        "Why: these answers say the checker was kept out, not that the link is dead; counting them as "
        "broken is the most common false positive of link checkers.\n"
        "Example: a link to a news site behind Cloudflare answers 503 with `cf-mitigated: challenge`.",
)
LINK_REDIRECT_LOOP = Rule(
    id="link-redirect-loop", title_zh="链接重定向循环", title_en="Link redirect loop",
    severity="error", assessment="advisory", basis=_D6,
    advice_zh="检查服务器或 CMS 的跳转规则，消除 A→B→A 的循环跳转，使链接最终落到可访问的页面。",
    advice_en="Fix the server or CMS redirect rules so the chain ends on a real page instead of "
              "revisiting a URL.",
    doc="What: following the target's redirects revisits a URL (crawler error class `redirect-loop`).\n"
        "Why: browsers give up with 'too many redirects': the link is unusable for every visitor.\n"
        "Example: /old/ redirects to /new/, which redirects back to /old/.",
)
LINK_REDIRECT_CHAIN = Rule(
    id="link-redirect-chain", title_zh="链接重定向次数过多", title_en="Too many redirects",
    severity="warning", assessment="advisory",
    basis="实践建议 [U]：重定向链应尽量短；上限取站点配置 links.max_redirects",
    advice_zh="将链接直接指向最终地址，或把多级跳转合并为一次 301 跳转。",
    advice_en="Link the final address directly, or collapse the hops into one 301 redirect.",
    doc="What: the target reached its final answer after more hops than the profile's "
        "`links.max_redirects` (config/rules.yaml `links.max_redirect_chain` when the profile has "
        "none), or the crawler stopped following at its hard cap (`too-many-redirects`).\n"
        "Why: every hop costs a round trip; long chains often end on a generic landing page and break "
        "when one hop is retired.\n"
        "Example: http://a/x → https://a/x → https://a/x/ → https://a/x/index.html → https://b/x.",
)
LINK_ANCHOR_MISSING = Rule(
    id="link-anchor-missing", title_zh="页内锚点不存在", title_en="Missing #fragment target",
    severity="warning", assessment="advisory",
    basis="实践建议 [U]：链接应落到所指的页面位置（HTML 标准“文档的指示部分”）",
    advice_zh="在目标页面上补上对应 id（或 a[name]），或把链接中的 #片段 改成目标页面现有的锚点。",
    advice_en="Add the id (or a[name]) to the target page, or change the link's #fragment to one that "
              "exists there.",
    doc="What: a link `page#frag` where the fetched HTML target has no element id or `a[name]` equal to "
        "`frag` (raw or percent-decoded). `#top` and a bare `#` are always valid; client routes "
        "(`#/…`, `#!…`) and text fragments (`#:~:text=`) are not judged; targets that were not fetched "
        "as HTML (or were truncated) get no verdict. One finding per (target, fragment), `target` is "
        "`url#fragment`.\n"
        "Why: 'see attachment 2' links that land at the top of a long policy page send readers hunting.\n"
        "Example: /xxgk/doc.html#fujian where doc.html has only id=\"attachments\".",
)
LINK_SOFT_404 = Rule(
    id="link-soft-404", title_zh="软 404（页面显示不存在却返回 200）", title_en="Soft 404",
    severity="error", assessment="advisory", basis=_D6,
    advice_zh="删除指向该页面的链接或恢复内容；并让服务器对不存在的页面返回 404/410 状态码。",
    advice_en="Remove the links to this page or restore its content, and make the server answer 404/410 "
              "for missing pages.",
    doc="What: a 200 page that is the site's not-found page as a browser user sees it. At the start of "
        "the crawl xunjian requests a few surely-missing URLs per directory prefix (`xunjian-nf-<hex>.html`, "
        "profile `soft404.probes*`) and keeps what came back. A page is a soft 404 when it (1) is redirected "
        "to where those missing URLs were redirected (the homepage, an error page), or (2) shows the "
        "prefix's (else the site's) custom error page: its distinctive template shingles, within "
        "`soft404.fingerprint` in config/rules.yaml, or (3) its <title> segment or first <h1> IS a not-found "
        "signature of the profile's `soft404.patterns` (the fallback, e.g. on sites that answer missing "
        "URLs with a real 404). Body text alone never makes a soft 404. `matched_in` says which "
        "(redirect, fingerprint, title, h1). Probe URLs are not pages: they are never reported.\n"
        "Why: visitors see '页面不存在' although every status-code checker calls the link fine.\n"
        "Example: /xxgk/2019/123.html answers 200 with the same page the site shows for "
        "/xxgk/xunjian-nf-….html. An article titled '关于页面不存在问题的说明', or one whose text says "
        "'您访问的页面不存在', is not flagged.",
)
LINK_JUMP_INVALID = Rule(
    id="link-jump-invalid", title_zh="阅办联动跳转失效",
    title_en="Policy-to-service jump link lands on a missing item",
    severity="error", assessment="advisory",
    basis="上海“阅办联动”（政策文件关联一网通办办事事项）实践要求 [U]；属 D6 链接可用性范畴 [U]",
    advice_zh="在一网通办核对事项编码，更新政策页上的办事跳转链接；事项已取消的，删除或替换该链接。",
    advice_en="Check the item code in 一网通办 and update the jump link on the policy page; if the service "
              "was withdrawn, remove or replace the link.",
    doc="What: a link matching the profile's `links.jump_link_patterns` (阅办联动 jump links into 一网通办) "
        "answers 200 but its page is a not-found page: its title or heading is a soft-404 signature "
        "(e.g. '事项不存在'), or, the service being another site that xunjian does not probe, a page of "
        "at most `soft404.max_text_chars` visible characters carries one.\n"
        "Why: 阅办联动 promises readers of a policy a one-click path to the service; a dead item code "
        "breaks it silently because the portal still answers 200.\n"
        "Example: /zcwj/2024/policy.html links https://zwdt.sh.gov.cn/…/item?code=X that shows '事项不存在'.",
)
ATTACHMENT_TYPE_MISMATCH = Rule(
    id="attachment-type-mismatch", title_zh="附件链接返回网页", title_en="Attachment link answers with an HTML page",
    severity="warning", assessment="advisory", basis=_D6,
    advice_zh="确认附件文件仍在服务器上且地址正确；避免附件地址跳转到首页、登录页或错误页。",
    advice_en="Make sure the attachment file still exists at that address; don't let attachment URLs "
              "redirect to a homepage, login or error page.",
    doc="What: a link classified as an attachment by its extension (`links.attachment_extensions`: "
        ".pdf, .docx, .xls, .ofd…) answered 2xx with `text/html`.\n"
        "Why: a missing file is often served as an HTML error or login page with status 200, so the "
        "reader clicks '下载' and gets a web page instead of the document.\n"
        "Example: /files/2024/plan.pdf redirects to /index.html.",
)

LINK_FORBIDDEN_ADDRESS = Rule(
    id="link-forbidden-address", title_zh="链接指向内网或保留地址（未访问）",
    title_en="Link to an internal or reserved address (not fetched)",
    severity="warning", assessment="advisory",
    basis="国办秘函〔2019〕19号 扣分项 D6 链接可用性 [U]：公众无法访问内网、回环、链路本地地址；"
          "巡检安全策略 [U]：不向此类地址发送请求（防 SSRF，含云元数据地址 169.254.169.254）",
    advice_zh="把链接改为公众可访问的正式地址；若目标确属本单位内网系统，不应出现在对外门户上。"
              "若该地址本就应被巡检（如内网部署的门户），在站点配置 network.allow_addresses 中列出其网段。",
    advice_en="Link the public address instead; an intranet system does not belong on a public portal. "
              "If the address really should be inspected (an intranet deployment), list its range in the "
              "profile's network.allow_addresses.",
    doc="What: a link target, or a hop of its redirect chain, whose host RESOLVES to an address the crawl "
        "refuses (crawler/netguard.py): cloud metadata (169.254.169.254, 100.100.100.200, fd00:ec2::254), "
        "link-local (169.254.0.0/16, fe80::/10), loopback, private networks (10/8, 172.16/12, 192.168/16, "
        "100.64/10, fc00::/7) other than the portal's own host names, other non-public ranges, and the "
        "profile's `network.deny_addresses`; `network.allow_addresses` opens ranges (the most specific "
        "entry decides). The request was refused before any byte was sent (error class "
        "`forbidden-address`); the evidence names the address and the range. One finding per target, "
        "`referrers` lists every citing page; on the homepage itself it is home-unreachable.\n"
        "Why: visitors cannot reach internal addresses, so the link is broken for the public, and it "
        "exposes internal systems; a crawler that follows such links can be steered by a page or a "
        "redirect into the inspection host's own network (server-side request forgery).\n"
        "Example: /xxgk/notice.html links http://10.1.2.3/oa/login.jsp; /go?u=… redirects to "
        "http://169.254.169.254/latest/meta-data/.",
)

RULES = [LINK_BROKEN_HOME, LINK_BROKEN, LINK_TIMEOUT, LINK_UNVERIFIED, LINK_REDIRECT_LOOP,
         LINK_REDIRECT_CHAIN, LINK_ANCHOR_MISSING, LINK_SOFT_404, LINK_JUMP_INVALID, ATTACHMENT_TYPE_MISMATCH,
         LINK_FORBIDDEN_ADDRESS]
