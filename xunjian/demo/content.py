"""Text of the demo portal: fictional but plausible zh-CN titles and bodies for each column.

Pure functions of an index number, so the site is deterministic. Nothing here contains the
phrases a soft-404 detector looks for (页面不存在, 信息不存在, 事项不存在 ...): those appear only
on the not-found template and the planted pages.
"""

from __future__ import annotations

from datetime import date, timedelta

STREETS = ["江川路街道", "浦锦街道", "召楼镇", "梅陇镇", "新场镇", "鲁汇镇", "浦江镇", "陈行镇", "杜行镇", "闸港镇"]
TOPICS = ["占道经营", "违法建筑", "建筑垃圾偷倒", "户外广告设施", "共享单车停放", "生活垃圾分类", "餐饮油烟",
          "夜间施工噪声", "渣土运输", "无证设摊", "违规户外招牌", "店招店牌", "绿化带侵占", "工地扬尘"]
ACTIONS = ["专项整治行动", "集中执法检查", "联合执法行动", "“美丽街区”整治", "错时执法", "普法宣传活动",
           "“721”工作法推进会", "执法队伍规范化建设", "执法案卷评查", "市容环境综合治理"]
NORM_TOPICS = ["城市管理行政执法程序", "行政处罚裁量基准", "建筑垃圾处置管理", "户外广告设施设置管理",
               "生活垃圾分类执法", "违法建筑拆除", "市容环境卫生责任区管理", "轻微违法行为免罚清单",
               "执法全过程记录", "城管执法协管员管理"]
PENALTY_FACTS = [
    ("未按规定分类投放生活垃圾", "《上海市生活垃圾管理条例》第五十八条", "罚款人民币二百元"),
    ("擅自占用道路从事经营活动", "《上海市市容环境卫生管理条例》第二十三条", "罚款人民币五百元"),
    ("未经许可设置户外广告设施", "《上海市户外广告设施管理办法》第二十九条", "罚款人民币五千元"),
    ("运输建筑垃圾沿途泄漏、撒落", "《上海市建筑垃圾处理管理规定》第四十二条", "罚款人民币一万元"),
    ("夜间未经许可进行建筑施工作业", "《上海市环境保护条例》第七十九条", "罚款人民币二万元"),
    ("擅自搭建建筑物", "《上海市拆除违法建筑若干规定》第四条", "责令限期拆除"),
]
COMPANY_KINDS = ["餐饮管理有限公司", "建筑工程有限公司", "物业管理有限公司", "商贸有限公司", "广告有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"


def paragraphs(*texts: str) -> str:
    return "\n".join(f"<p>{t}</p>" for t in texts)


def news(i: int) -> tuple[str, str]:
    street, topic = STREETS[i % len(STREETS)], TOPICS[(i * 3) % len(TOPICS)]
    action = ACTIONS[(i * 7) % len(ACTIONS)]
    title = f"区城管执法局在{street}开展{topic}{action}"
    body = paragraphs(
        f"近日，区城管执法局会同{street}城管执法中队，围绕{topic}问题开展{action}。",
        f"行动中，执法队员对辖区重点路段、重点区域进行巡查，共检查点位{12 + i % 17}处，"
        f"当场纠正{3 + i % 9}起，立案查处{1 + i % 4}起。",
        "下一步，区城管执法局将坚持“721”工作法，把服务和管理融入执法之中，持续巩固整治成效。",
    )
    return title, body


def grassroots(i: int) -> tuple[str, str]:
    street, topic = STREETS[(i * 3) % len(STREETS)], TOPICS[(i * 5) % len(TOPICS)]
    title = f"{street}城管执法中队：{topic}治理见成效（{i + 1}）"
    body = paragraphs(f"{street}城管执法中队聚焦{topic}，建立“发现—处置—回访”闭环机制。",
                      "中队通过“街区吹哨、部门报到”协同处置群众反映的问题，相关点位已落实长效管理。")
    return title, body


NOTICE_KINDS = ["关于开展{t}集中整治的通告", "关于{t}执法检查工作安排的通知", "关于征求《{t}工作指引》意见的公告",
                "关于{t}专项执法结果的公示", "关于调整{t}受理窗口办公时间的通知"]


def notice(i: int) -> tuple[str, str]:
    t = TOPICS[(i * 5 + 1) % len(TOPICS)]
    title = NOTICE_KINDS[i % len(NOTICE_KINDS)].format(t=t)
    body = paragraphs(f"为进一步加强{t}管理，维护良好市容环境秩序，根据有关法律法规，现就有关事项通知如下：",
                      f"一、工作范围：本区{STREETS[i % len(STREETS)]}、{STREETS[(i + 4) % len(STREETS)]}等重点区域。",
                      "二、工作要求：各执法中队要落实属地责任，依法规范开展执法检查，做好执法全过程记录。",
                      f"三、联系方式：区城管执法局法制科，电话 021-5899{1200 + i % 90:04d}。")
    return title, body


def normative(i: int, issued: date, valid_until: date, doc_no: str) -> tuple[str, str]:
    t = NORM_TOPICS[i % len(NORM_TOPICS)]
    edition = "" if i < len(NORM_TOPICS) else "（修订）"
    title = f"关于印发《浦江区{t}规定{edition}》的通知"
    body = paragraphs(
        "各执法中队、局机关各科室：",
        f"现将《浦江区{t}规定{edition}》印发给你们，请认真贯彻执行。",
        f"本规定自{cn_date(issued + timedelta(days=30))}起施行，有效期至{cn_date(valid_until)}。",
    ) + f'\n<h2 id="section2">浦江区{t}规定</h2>\n' + paragraphs(
        "第一条 为规范本区城市管理行政执法行为，根据有关法律、法规和规章，结合本区实际，制定本规定。",
        "第二条 本规定适用于本区城市管理行政执法部门依法实施的行政检查、行政处罚和行政强制。",
        "第三条 执法人员应当持证执法，全程记录执法过程，严格按照裁量基准作出处理决定。",
        f"第四条 本规定由{doc_no.split('〔')[0].replace('沪浦城管', '浦江区城管执法局')}法制科负责解释。",
    )
    return title, body


def penalty(i: int, doc_no: str, decided: date) -> tuple[str, str]:
    fact, basis, result = PENALTY_FACTS[i % len(PENALTY_FACTS)]
    if i % 3 == 0:  # natural person: name and ID masked as the 公开办法 require
        party = f"{SURNAMES[i % len(SURNAMES)]}某某"
        ident = f"身份证号：310{(i * 7) % 10}**********{(i * 37) % 1000:03d}{i % 10}"
        addr = "住址：浦江区***"
    else:
        party = f"上海{STREETS[i % len(STREETS)][:2]}{COMPANY_KINDS[i % len(COMPANY_KINDS)]}"
        ident = f"统一社会信用代码：91310115MA1K{(i * 7919) % 100000:05d}X"
        addr = f"住所：上海市浦江区{STREETS[i % len(STREETS)][:2]}路{100 + i}号"
    title = f"行政处罚决定书（{doc_no}）"
    body = paragraphs(f"当事人：{party}", ident, addr,
                      f"违法事实：当事人于{cn_date(decided - timedelta(days=20))}{fact}，经立案调查属实。",
                      f"处罚依据：{basis}。", f"处罚结果：{result}。",
                      "当事人如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。",
                      f"作出处罚决定的机关：上海市浦江区城市管理行政执法局　决定日期：{cn_date(decided)}")
    return title, body


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def guide(i: int) -> tuple[str, str, str]:
    """(item name, 一网通办 item code, body) of a 办事指南 with every key element present."""
    names = ["临时占用道路设摊审批", "户外广告设施设置审批", "建筑垃圾处置核准", "城市道路挖掘修复备案",
             "大型户外活动市容保障备案", "渣土运输车辆通行登记", "门责制责任书签订", "夜间施工噪声投诉受理"]
    name = names[i % len(names)]
    code = f"3101990{i + 1:02d}000"
    body = "\n".join([
        f"<h2>事项名称</h2><p>{name}</p>",
        "<h2>设定依据</h2><p>《上海市市容环境卫生管理条例》《城市市容和环境卫生管理条例》。</p>",
        "<h2>申请条件</h2><p>申请人为依法设立的单位或具有完全民事行为能力的个人，申请事项符合本区相关规划。</p>",
        "<h2>办理材料</h2><ol><li>申请表（原件1份）</li><li>申请人身份证明（核验原件）</li><li>设置方案或现场照片</li></ol>",
        f"<h2>办理地点</h2><p>浦江区行政服务中心二楼城管窗口（{cn_address(i)}）</p>",
        "<h2>办理时间</h2><p>工作日 9:00-17:00</p>",
        f"<h2>联系电话</h2><p>021-5899{2000 + i:04d}</p>",
        "<h2>办理流程</h2><p>申请—受理—审查—决定—送达，承诺时限 5 个工作日。</p>",
    ])
    return name, code, body


def cn_address(i: int) -> str:
    return f"江川路{1000 + i * 2}号"


QUESTIONS = ["小区门口长期有人占道卖菜，能否加强管理？", "装修垃圾应如何合规投放？", "夜间工地施工扰民如何投诉？",
             "店铺门口摆放招牌需要审批吗？", "共享单车乱停放影响通行怎么办？", "餐饮店油烟直排能否处理？",
             "违法搭建的阳光房如何举报？", "渣土车撒落路面谁来负责清理？"]


def consultation(i: int, replied: date | None = None) -> tuple[str, str]:
    """A consultation answered on ``replied`` (asked 1-5 days before), with its 留言时间/答复时间."""
    q = QUESTIONS[i % len(QUESTIONS)]
    title = f"{q}（{STREETS[i % len(STREETS)]}）"
    dates = [f"留言时间：{replied - timedelta(days=1 + i % 5):%Y-%m-%d}", f"答复时间：{replied:%Y-%m-%d}"] \
        if replied else []
    body = paragraphs(f"来信内容：{q}地点位于{STREETS[i % len(STREETS)]}。", *dates[:1],
                      "答复内容：您好！您反映的问题已转属地城管执法中队核查处置，执法队员已到现场督促整改，"
                      "并将加强日常巡查。感谢您对城市管理工作的关心和支持。",
                      "答复单位：上海市浦江区城市管理行政执法局", *dates[1:])
    return title, body
