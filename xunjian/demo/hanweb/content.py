"""Texts of the ``hanweb`` family's fictional 临江市城市管理局 (every string GBK-encodable).

Deterministic generators by index: news, notices, 基层动态, policy and normative documents,
行政处罚 decisions, consultations, annual reports, the 政府信息公开指南 and 依申请公开 pages.
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo.hanweb.layout import ADDRESS, PHONE, SITE_NAME

DISTRICTS = ["江城区", "滨湖区", "临港新区", "北山街道", "南湖街道", "新桥镇", "青石镇", "梅岭镇"]
TOPICS = ["占道经营", "违法建设", "渣土运输", "户外广告", "共享单车停放", "垃圾分类", "油烟污染", "夜间施工"]
ACTIONS = ["专项整治", "集中执法检查", "联合执法", "错时执法", "普法宣传"]
NORM_TOPICS = ["城市管理行政执法程序", "行政处罚自由裁量权基准", "建筑垃圾处置管理", "户外广告设施设置管理",
               "市容环境卫生责任区管理", "城市道路挖掘管理", "生活垃圾分类管理", "共享单车停放管理",
               "临时占道管理", "执法全过程记录"]
ORGANISATION = [("主要职责", "负责全市城市管理工作的综合协调、指导、监督和考核；负责市容环境卫生、城市照明、市政设施管理。"),
                ("内设机构", "办公室、政策法规处、市容环境卫生处、执法监督处；下设8个区（街道）城管执法大队。")]
SYSTEMS = [f"{SITE_NAME}政府信息公开工作制度", f"{SITE_NAME}政府信息公开保密审查制度",
           f"{SITE_NAME}政府信息公开申请办理制度"]
FACTS = [("在城市道路上擅自设摊经营", "《城市市容和环境卫生管理条例》第三十六条", "罚款人民币二百元"),
         ("未经批准擅自设置户外广告", "《江苏省城市市容和环境卫生管理条例》第四十六条", "责令限期拆除，罚款人民币一千元"),
         ("运输渣土车辆未密闭造成泄漏遗撒", "《城市建筑垃圾管理规定》第二十三条", "罚款人民币五千元")]


def paragraphs(*texts: str) -> str:
    return "\n".join(f"<p>{t}</p>" for t in texts)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def news(i: int) -> tuple[str, str]:
    where, topic, action = DISTRICTS[i % 8], TOPICS[(i * 3) % 8], ACTIONS[(i * 7) % 5]
    return (f"市城管局在{where}开展{topic}{action}（第{i + 1}期）",
            paragraphs(f"近日，市城管局会同{where}城管执法大队围绕{topic}开展{action}。",
                       f"行动共检查点位{10 + i % 13}处，当场纠正{2 + i % 7}起，立案查处{1 + i % 3}起。"))


def notice(i: int) -> tuple[str, str]:
    topic = TOPICS[(i * 5 + 1) % 8]
    kinds = ["关于开展{t}集中整治的通告", "关于{t}执法检查安排的通知", "关于征求《{t}管理办法》意见的公告"]
    return (kinds[i % 3].format(t=topic) + f"（{i + 1}）",
            paragraphs(f"为加强{topic}管理，现就有关事项通知如下。", f"联系电话：{PHONE}。"))


def grassroots(i: int) -> tuple[str, str]:
    where, topic = DISTRICTS[(i * 3) % 8], TOPICS[(i * 5) % 8]
    return (f"{where}城管执法大队：{topic}治理见成效（{i + 1}）",
            paragraphs(f"{where}城管执法大队聚焦{topic}，建立“发现—处置—回访”闭环机制。"))


def policy(i: int) -> tuple[str, str]:
    topic = TOPICS[i % 8]
    return (f"关于印发《临江市{topic}工作方案（{2020 + i % 7}年）》的通知",
            paragraphs("各区城管局、局机关各处室：", f"现将《临江市{topic}工作方案》印发给你们，请认真组织实施。"))


def normative(i: int, issued: date, until: date) -> tuple[str, str]:
    topic = NORM_TOPICS[i % len(NORM_TOPICS)]
    return (f"关于印发《临江市{topic}规定》的通知",
            paragraphs("各区城管局：", f"现将《临江市{topic}规定》印发给你们，请遵照执行。",
                       f"本规定自{cn_date(issued + timedelta(days=30))}起施行，有效期至{cn_date(until)}。")
            + f'\n<h2 id="section2">临江市{topic}规定</h2>\n'
            + paragraphs("第一条 为规范城市管理行政执法行为，制定本规定。", "第二条 本规定适用于本市城市管理执法活动。"))


def penalty(i: int, doc_no: str, decided: date) -> tuple[str, str]:
    fact, basis, result = FACTS[i % 3]
    party = f"{'王李张刘陈杨'[i % 6]}某某" if i % 2 else f"临江{DISTRICTS[i % 8][:2]}商贸有限公司"
    return (f"行政处罚决定书（{doc_no}）",
            paragraphs(f"当事人：{party}", f"违法事实：当事人{fact}，经立案调查属实。", f"处罚依据：{basis}。",
                       f"处罚结果：{result}。", f"决定日期：{cn_date(decided)}"))


def consultation(i: int, replied: date) -> tuple[str, str]:
    """A consultation answered on ``replied`` (asked 2-4 days before), 提问时间/回复时间 printed."""
    topic = TOPICS[(i * 3 + 2) % 8]
    return (f"关于{topic}问题的咨询（{i + 1}）",
            paragraphs(f"提问时间：{replied - timedelta(days=2 + i % 3):%Y-%m-%d}",
                       f"问：小区附近{topic}问题较多，能否加强管理？",
                       f"回复时间：{replied:%Y-%m-%d}", "答：已转辖区城管执法大队核查处理，感谢您的监督。"))


def annual_report(year: int) -> str:
    return "\n".join([
        f"<p>本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至12月31日。</p>",
        "<h2>一、总体情况</h2><p>本局持续推进政务公开标准化规范化建设。</p>",
        "<h2>二、主动公开政府信息情况</h2><p>本年主动公开政府信息情况见下表。</p>",
        "<h2>三、收到和处理政府信息公开申请情况</h2><p>本年新收申请12件，均已按期答复。</p>",
        "<h2>四、政府信息公开行政复议、行政诉讼情况</h2><p>本年未发生行政复议、行政诉讼。</p>",
        "<h2>五、存在的主要问题及改进情况</h2><p>政策解读形式还不够丰富。</p>",
        "<h2>六、其他需要报告的事项</h2><p>本年未收取信息处理费。</p>"])


def guide() -> str:
    return paragraphs(
        f"为便于公民、法人和其他组织获取{SITE_NAME}政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "一、主动公开：信息分类和编排体系——主动公开的政府信息分为机构职能、政策文件、规范性文件、行政处罚、人事信息等类别。",
        "获取方式：通过本网站“政府信息公开”专栏查阅、检索和下载。",
        f"二、依申请公开：机构名称：{SITE_NAME}办公室；办公地址：{ADDRESS}；办公时间：工作日 9:00-17:00；",
        f"联系电话：{PHONE}；传真号码：0511-85012346；互联网联系方式：gk@cgj.linjiang.gov.cn。",
        '申请方式详见<a href="/col/col4810/index.html">依申请公开</a>。')


def request_page() -> str:
    return paragraphs("公民、法人或者其他组织可以向本局申请获取相关政府信息。",
                      f"受理地址：{ADDRESS}；联系电话：{PHONE}；办公时间：工作日 9:00-17:00。",
                      "本局自收到申请之日起20个工作日内予以答复。")
