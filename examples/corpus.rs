//! A deterministic corpus of realistic Chinese transparency documents, for the search
//! benchmark (`scripts/bench-search`) and the build-speed benchmark.
//!
//! ```sh
//! cargo run --release --example corpus -- --reports 1200 --out /tmp/corpus
//! gongshi --root /tmp/corpus build
//! ```
//!
//! Writes a complete site: `config.yaml` and `content/`, one section per inspection
//! centre (`content/centres/c0001/`), twelve yearly reports each (2013-2024, ~12,000 characters:
//! numbered parts in the styles real reports mix — `一、`, `（一）`, `1、`, `第一部分`,
//! `一是……二是……` — figures such as `608名`, `25.9万台件`, `同比增长8.8%`, a metrics
//! front matter, tables and lists), plus each centre's impartiality statement and service
//! commitments. The same arguments always give byte-identical files: the text comes from
//! a seeded splitmix64 generator written here, no dependency.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// splitmix64: tiny, fast, and good enough to pick phrases.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PROVINCES: &[&str] = &[
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
];
const CITIES: &[&str] = &[
    "石家庄",
    "太原",
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "南京",
    "苏州",
    "无锡",
    "杭州",
    "宁波",
    "温州",
    "合肥",
    "福州",
    "厦门",
    "南昌",
    "济南",
    "青岛",
    "郑州",
    "洛阳",
    "武汉",
    "长沙",
    "广州",
    "深圳",
    "佛山",
    "东莞",
    "南宁",
    "海口",
    "成都",
    "绵阳",
    "贵阳",
    "昆明",
    "西安",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "常州",
    "绍兴",
    "泉州",
    "烟台",
    "潍坊",
];
const PRODUCTS: &[&str] = &[
    "计量器具",
    "电线电缆",
    "家用电器",
    "压力容器",
    "建筑材料",
    "纺织服装",
    "食品接触材料",
    "医疗器械",
    "电动自行车",
    "儿童玩具",
    "汽车零部件",
    "锂离子电池",
    "光伏组件",
    "化肥",
    "农药",
    "水泥",
    "钢材",
    "涂料",
    "陶瓷",
    "灯具",
    "低压电器",
    "防爆电气",
    "安全帽",
    "消防产品",
    "珠宝玉石",
    "燃气具",
    "电梯",
    "轴承",
    "阀门",
    "泵",
    "密封件",
    "塑料管材",
    "橡胶制品",
    "纸制品",
    "家具",
    "卫生陶瓷",
    "电子元器件",
    "信息技术设备",
    "无线电设备",
    "水表",
    "电能表",
    "衡器",
    "温度仪表",
    "压力仪表",
    "流量仪表",
    "光学仪器",
    "化学试剂",
    "标准物质",
    "润滑油",
    "机动车燃料",
];
const INSTRUMENTS: &[&str] = &[
    "电感耦合等离子体质谱仪",
    "气相色谱-质谱联用仪",
    "高效液相色谱仪",
    "原子吸收光谱仪",
    "X射线荧光光谱仪",
    "万能材料试验机",
    "恒温恒湿试验箱",
    "盐雾试验箱",
    "高低温交变试验箱",
    "电磁兼容测试系统",
    "三坐标测量机",
    "激光干涉仪",
    "扫描电子显微镜",
    "红外光谱仪",
    "冲击试验机",
    "振动试验台",
    "燃烧试验装置",
    "声学测量系统",
];
const STANDARDS: &[&str] = &[
    "ISO/IEC 17025",
    "CNAS-CL01",
    "GB/T 27025-2019",
    "RB/T 214-2017",
    "JJF 1069-2012",
    "ISO 9001",
    "GB/T 19001",
    "CNAS-CL01-G001",
    "ISO/IEC 17020",
    "GB/T 27020",
    "CNAS-RL01",
    "ISO 14001",
    "GB/T 45001",
];
const FIELDS: &[&str] = &[
    "产品质量",
    "计量",
    "环境",
    "安全",
    "节能",
    "电磁兼容",
    "化学分析",
    "物理性能",
    "可靠性",
    "材料",
    "电气安全",
    "食品安全",
    "卫生",
];
const DEPARTMENTS: &[&str] = &[
    "质量管理部",
    "业务受理部",
    "综合办公室",
    "技术研发部",
    "化学检测室",
    "物理检测室",
    "电气检测室",
    "计量校准室",
    "环境试验室",
    "样品管理室",
    "信息化管理室",
    "财务部",
];
const HOLIDAYS: &[&str] = &[
    "3.15消费者权益保护日",
    "5.20世界计量日",
    "质量月",
    "6.6世界爱眼日",
    "世界标准日",
    "安全生产月",
];
const NUMERALS: &[&str] = &[
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// The parts of a report, in order: (heading, theme of its text).
const PARTS: &[(&str, Theme)] = &[
    ("前言", Theme::Intro),
    ("中心基本情况", Theme::Basic),
    ("社会责任管理体系和制度的建立情况", Theme::System),
    ("诚信责任", Theme::Integrity),
    ("公正性与保密", Theme::Impartiality),
    ("经济与服务责任", Theme::Service),
    ("员工责任", Theme::Staff),
    ("环境与安全责任", Theme::Environment),
    ("社会公益与社区建设", Theme::Welfare),
    ("下一年度工作重点", Theme::Plans),
];

#[derive(Clone, Copy, PartialEq)]
enum Theme {
    Intro,
    Basic,
    System,
    Integrity,
    Impartiality,
    Service,
    Staff,
    Environment,
    Welfare,
    Plans,
}

const SUBHEADINGS: &[&str] = &[
    "组织机构与职责",
    "制度建设",
    "运行情况",
    "监督检查",
    "主要措施",
    "取得成效",
    "存在问题与改进",
    "能力建设",
    "客户服务",
    "风险防控",
    "人员培训",
    "设备管理",
    "信息公开",
    "投诉处理",
];

/// Sentence templates per theme. Slots: {c} centre, {y} year, {p} product, {city},
/// {prov}, {i} instrument, {s} standard, {f} field, {d} department, {n} small number,
/// {m} larger number, {pct} percentage, {h} a public day.
fn templates(theme: Theme) -> &'static [&'static str] {
    match theme {
        Theme::Intro => &[
            "履行社会责任是公德、是义务，是国家产品质检中心检验检测活动的内在要求、重要义务及实现可持续发展的必然选择。",
            "长期以来，{c}（以下简称“中心”）按照认监委“传递信任、服务发展”的要求，以“公正检测、科学检测、诚信检测”为己任。",
            "本报告全面反映了{y}年度中心通过完善管理机制、规范运作流程、健全内控制度，在履行员工责任、经济责任、诚信责任和环境责任等方面所做的工作。",
            "本报告内的所有数据和内容都具有真实性，接受社会各界监督。",
            "中心一贯注重履行社会责任，在努力为社会提供优质检验检测服务的同时，确立了社会责任是推进社会文明进步的基本立足点的观点。",
            "{y}年是中心发展进程中极不平凡的一年，中心围绕{prov}经济发展导向和{p}行业的热点需求，积极提升检验检测能力水平。",
        ],
        Theme::Basic => &[
            "{c}是经国家认证认可监督管理委员会授权的国家级检验机构，依托单位位于{city}，检验的产品涉及{p}、{p}和{p}等领域。",
            "中心现有工作人员{n}名，其中管理人员{n}名，检测人员{m}名，高级职称人员占比{pct}%。",
            "实验室占地面积{n}.{n}万平方米，其中实验场地{n}.{n}万平方米，实验室主要仪器设备{m}台（套），设备总值{n}.{n}亿元。",
            "中心配备了{i}、{i}和{i}等先进设备，其中{i}用于{f}项目的检测。",
            "中心依据《检测和校准实验室能力认可准则》（{s}）和{s}的要求建立了质量管理体系，并于{y}年通过复评审。",
            "中心下设{d}、{d}、{d}等{n}个部门，各部门职责明确、分工协作。",
            "中心检测能力覆盖{n}类产品{m}个参数，可依据{m}项国家标准和行业标准开展检验。",
        ],
        Theme::System => &[
            "中心成立了社会责任工作领导小组，由主任任组长，{d}负责日常工作的组织与协调。",
            "中心按照{s}的要求修订了质量手册和程序文件，共修订程序文件{n}份、作业指导书{m}份。",
            "{y}年中心组织内部审核{n}次，管理评审{n}次，发现不符合项{n}项，已全部完成整改。",
            "中心建立了风险和机遇的识别与应对机制，每年对公正性风险进行评估并形成评估报告。",
            "中心将社会责任管理纳入年度工作计划，做到有目标、有措施、有检查、有考核。",
            "通过持续完善本中心的社会责任管理体系，领导小组对社会责任工作进行了全面部署。",
            "中心参加{prov}市场监督管理局组织的监督检查{n}次，检查结果均为符合。",
        ],
        Theme::Integrity => &[
            "古人云“人无忠信，不可立于世”，诚信是一种美德、一种品质和一种境界。",
            "中心自觉遵守法律、法规的各项要求，保证独立、公正的法律地位，保证检验检测活动的独立性和公正性。",
            "中心坚持依法运营、规范运营、科学诚信，及时出具检验检测数据和结果，保证数据和结果准确、客观、真实。",
            "{y}年中心未发生出具虚假检验检测报告的情况，未受到行政处罚。",
            "中心与全体员工签订了诚信承诺书，签订率达到100%。",
            "以科学的手段、严谨的作风、规范的程序、专业的能力、优质的服务和可靠的结果赢得了社会信任。",
            "中心在{prov}检验检测机构诚信评价中获评{n}A级。",
        ],
        Theme::Impartiality => &[
            "中心不接受有违公正性的投资赞助和代理，不介入客户之间的市场竞争和利益冲突。",
            "全体员工签署了公正性和保密承诺书，承诺不参与与检验检测工作有利益冲突的活动。",
            "中心在任何情况下都将保护客户机密信息和所有权作为服务的道德规范和法律责任。",
            "{y}年中心识别公正性风险{n}项，均已采取控制措施，风险处于可控状态。",
            "检验检测原始记录和报告按规定保存{n}年，电子数据采取加密存储和权限管理。",
            "中心设立了投诉电话和电子邮箱，{y}年共受理投诉{n}起，均在规定时限内处理完毕，处理满意率100%。",
        ],
        Theme::Service => &[
            "{y}年全年共签订各类合同、技术协议{m}多份，检验、检测批（次）数约{m}项，客户综合满意度{pct}%。",
            "接收送检仪器{n}.{n}万台件，同比增长{pct}%，发放证书报告{n}.{n}万份，同比增长{pct}%。",
            "检测创收达到{n}.{n}亿元，同比增长{pct}%，上缴税费{m}万元。",
            "中心承担{p}国家监督抽查任务{n}批次，{p}风险监测任务{n}批次，按时完成率100%。",
            "中心为{city}及周边地区{m}家企业提供了{f}检测和技术咨询服务。",
            "中心开通了网上委托和报告查询系统，检验周期平均缩短{n}个工作日。",
            "针对{p}企业的需求，中心开展了{n}场技术帮扶活动，帮助企业解决质量问题{n}项。",
            "中心参加国际比对{n}项、能力验证{m}项，结果均为满意。",
            "中心牵头或参与制修订国家标准{n}项、行业标准{n}项，获授权专利{n}项。",
        ],
        Theme::Staff => &[
            "中心严格执行《劳动合同法》，与全体员工依法签订劳动合同，按时足额缴纳社会保险和住房公积金。",
            "{y}年中心组织各类培训{n}次，参加培训{m}人次，人均培训学时{n}学时。",
            "中心为员工配备了必要的劳动防护用品，每年组织员工体检，体检率100%。",
            "中心选派{n}名技术骨干参加{s}内审员培训，{n}人取得内审员资格。",
            "中心开展了职工运动会、读书会等文体活动，丰富员工的业余生活。",
            "中心建立了以岗位职责和业绩为导向的考核激励机制，员工满意度为{pct}%。",
        ],
        Theme::Environment => &[
            "中心严格遵守环境保护法律法规，实验废液、废气和固体废物均交由有资质的单位处置。",
            "{y}年中心用电量同比下降{pct}%，用水量同比下降{pct}%。",
            "实验室配备{i}等设备，其温湿度由恒温恒湿系统控制，确保检测环境条件符合{s}的要求。",
            "中心开展安全生产检查{n}次，排查并整改安全隐患{n}处，全年未发生安全事故。",
            "中心对{i}、{i}等特种设备实行专人管理，定期检定和维护。",
            "中心组织消防演练{n}次，危险化学品实行双人双锁管理。",
        ],
        Theme::Welfare => &[
            "中心积极参与社会公益事业和社区建设，在“{h}”等活动中组织人员走入社区，宣传质量安全知识。",
            "{y}年中心开展“开放实验室”活动{n}次，接待社会公众{m}人次。",
            "中心向{prov}对口帮扶地区捐款{n}.{n}万元，捐赠物资{m}件。",
            "中心组织志愿者{n}人次参加{city}的志愿服务活动。",
            "中心为{p}小微企业免费检测样品{m}批次，减免费用{n}.{n}万元。",
        ],
        Theme::Plans => &[
            "一是加强党建工作，推进全面从严治党向纵深发展。",
            "二是着力推进能力建设，新增{f}检测能力{n}项，购置{i}等设备。",
            "三是加强开放与合作，深化与{city}相关高校和科研院所的合作。",
            "四是持续提升服务能力和质量水平，提高窗口服务制度化、规范化水平。",
            "五是强化风险防控，进一步完善公正性和保密管理措施。",
            "中心将继续以{s}为准则，不断提高检验检测工作质量。",
        ],
    }
}

/// How a centre numbers its parts; real reports mix these.
#[derive(Clone, Copy)]
enum Numbering {
    Chinese,
    Arabic,
    Part,
}

struct Centre {
    key: String,
    name: String,
    city: &'static str,
    province: &'static str,
    numbering: Numbering,
}

fn centre(rng: &mut Rng, i: usize) -> Centre {
    // Names are unique: product by index, region by the index's quotient.
    let product = PRODUCTS[i % PRODUCTS.len()];
    let region = i / PRODUCTS.len();
    let province = PROVINCES[region % PROVINCES.len()];
    let city = CITIES[region % CITIES.len()];
    let mut name = match (region / PROVINCES.len()) % 3 {
        0 => format!("国家{product}质量检验检测中心（{province}）"),
        1 => format!("{city}{product}质量检验检测研究院"),
        _ => format!("国家{product}质量监督检验中心（{city}）"),
    };
    if region >= PROVINCES.len() * 3 {
        write!(name, "第{}分中心", region / (PROVINCES.len() * 3) + 1).unwrap();
    }
    let numbering = match rng.range(0, 2) {
        0 => Numbering::Chinese,
        1 => Numbering::Arabic,
        _ => Numbering::Part,
    };
    Centre {
        key: format!("c{:04}", i + 1),
        name,
        city,
        province,
        numbering,
    }
}

const SUBJECTS: &[&str] = &[
    "中心",
    "各检验室",
    "质量管理部",
    "技术负责人",
    "全体员工",
    "领导小组",
    "业务受理窗口",
    "检测人员",
];
const ACTIONS: &[&str] = &[
    "进一步完善了",
    "认真落实了",
    "全面梳理了",
    "持续优化了",
    "严格执行了",
    "组织修订了",
    "定期检查了",
    "积极推进了",
    "重点加强了",
    "系统总结了",
    "深入开展了",
    "逐步建立了",
];
const OBJECTS: &[&str] = &[
    "样品流转和留样管理制度",
    "检验检测报告的审核签发程序",
    "仪器设备的期间核查计划",
    "人员监督和能力监控方案",
    "客户投诉和申诉的处理流程",
    "数据安全和信息保密措施",
    "实验室内务和环境控制要求",
    "标准方法的验证和确认工作",
    "外部供应商评价机制",
    "测量不确定度评定工作",
    "质量控制和能力验证计划",
    "档案资料的归档和借阅规定",
    "危险化学品的采购和使用台账",
    "检测收费公示和发票管理",
    "新标准的查新和宣贯工作",
];
const RESULTS: &[&str] = &[
    "有效防范了检验检测风险",
    "报告差错率同比下降{pct}%",
    "客户满意度持续提高",
    "相关工作得到了评审组的肯定",
    "全年未发生重大质量事故",
    "工作效率明显提高",
    "形成了长效工作机制",
    "为{p}行业的高质量发展提供了技术支撑",
    "共发现并纠正问题{n}个",
    "检验周期缩短至{n}个工作日",
];

/// A sentence assembled from clauses: thousands of combinations, so that the text is
/// not a handful of sentences repeated.
fn clause_sentence(rng: &mut Rng, c: &Centre, year: i32) -> String {
    let when = match rng.range(0, 3) {
        0 => format!("{year}年，"),
        1 => format!("{year}年{}月，", rng.range(1, 12)),
        _ => String::new(),
    };
    let t = format!(
        "{when}{}{}{}，{}。",
        rng.pick(SUBJECTS),
        rng.pick(ACTIONS),
        rng.pick(OBJECTS),
        rng.pick(RESULTS)
    );
    fill(rng, &t, c, year)
}

fn fill(rng: &mut Rng, template: &str, c: &Centre, year: i32) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closed slot") + start;
        let slot = &rest[start + 1..end];
        match slot {
            "c" => out.push_str(&c.name),
            "y" => write!(out, "{year}").unwrap(),
            "p" => out.push_str(rng.pick(PRODUCTS)),
            "city" => out.push_str(if rng.chance(50) { c.city } else { rng.pick(CITIES) }),
            "prov" => out.push_str(c.province),
            "i" => out.push_str(rng.pick(INSTRUMENTS)),
            "s" => out.push_str(rng.pick(STANDARDS)),
            "f" => out.push_str(rng.pick(FIELDS)),
            "d" => out.push_str(rng.pick(DEPARTMENTS)),
            "h" => out.push_str(rng.pick(HOLIDAYS)),
            "n" => write!(out, "{}", rng.range(1, 99)).unwrap(),
            "m" => write!(out, "{}", rng.range(100, 9999)).unwrap(),
            "pct" => write!(out, "{}.{}", rng.range(1, 30), rng.range(0, 9)).unwrap(),
            other => panic!("unknown slot {other}"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn paragraph(rng: &mut Rng, theme: Theme, c: &Centre, year: i32) -> String {
    let n = rng.range(3, 7);
    let mut used: Vec<&str> = Vec::new();
    (0..n)
        .map(|_| {
            if rng.chance(45) {
                return clause_sentence(rng, c, year);
            }
            // A sentence said once per paragraph, as people write.
            let mut t = rng.pick(templates(theme));
            for _ in 0..4 {
                if !used.contains(&t) {
                    break;
                }
                t = rng.pick(templates(theme));
            }
            used.push(t);
            fill(rng, t, c, year)
        })
        .collect()
}

fn part_heading(c: &Centre, i: usize, title: &str) -> String {
    match c.numbering {
        Numbering::Chinese => format!("## {}、{title}", NUMERALS[i]),
        Numbering::Arabic => format!("## {}、 {title}", i + 1),
        Numbering::Part => format!("## 第{}部分 {title}", NUMERALS[i]),
    }
}

fn sub_heading(rng: &mut Rng, j: usize, title: &str) -> String {
    if rng.chance(70) {
        format!("### （{}）{title}", NUMERALS[j])
    } else {
        format!("### {}. {title}", j + 1)
    }
}

struct Figures {
    staff: u64,
    testers: u64,
    /// Instruments received, a multiple of 1,000 (the text says `25.9万`).
    instruments: u64,
    /// Year-on-year change in percent, one decimal, computed from the rounded figures
    /// so that the stated change agrees with last year's report.
    pct: f64,
    satisfaction: u64,
}

impl Figures {
    fn wan(&self) -> String {
        format!("{}.{}万", self.instruments / 10_000, self.instruments % 10_000 / 1_000)
    }
    fn change(&self) -> String {
        if self.pct < 0.0 {
            format!("同比下降{:.1}%", -self.pct)
        } else {
            format!("同比增长{:.1}%", self.pct)
        }
    }
}

fn report(rng: &mut Rng, c: &Centre, year: i32, previous: &mut Option<u64>) -> String {
    let instruments = match *previous {
        None => rng.range(10, 400) * 1_000,
        Some(p) => {
            let factor = 1.0 + (rng.range(0, 250) as f64 - 50.0) / 1000.0;
            (((p as f64 * factor) / 1000.0).round() as u64).max(1) * 1_000
        }
    };
    let pct = match *previous {
        None => rng.range(1, 200) as f64 / 10.0,
        Some(p) => ((instruments as f64 - p as f64) / p as f64 * 1000.0).round() / 10.0,
    };
    *previous = Some(instruments);
    let f = Figures {
        staff: rng.range(80, 900),
        testers: rng.range(50, 600),
        instruments,
        pct,
        satisfaction: rng.range(85, 99),
    };
    let month = rng.range(1, 6);
    let day = rng.range(1, 28);
    let mut s = String::with_capacity(40_000);
    writeln!(s, "---\ntitle: {}{year}年度社会责任报告", c.name).unwrap();
    writeln!(s, "year: {year}\ndate: {}-{month:02}-{day:02}", year + 1).unwrap();
    writeln!(s, "publisher: {}", c.name).unwrap();
    writeln!(
        s,
        "summary: {year}年，中心现有工作人员{}名，接收送检仪器{}台件，{}，客户综合满意度{}%。",
        f.staff,
        f.wan(),
        f.change(),
        f.satisfaction
    )
    .unwrap();
    writeln!(
        s,
        "metrics:\n  staff: {{label: 工作人员, value: {}, unit: 名}}",
        f.staff
    )
    .unwrap();
    writeln!(s, "  testers: {{label: 检测人员, value: {}, unit: 名}}", f.testers).unwrap();
    writeln!(
        s,
        "  instruments_received: {{label: 接收送检仪器, value: {}, unit: 台件, stated_change_pct: {:.1}}}",
        f.instruments, f.pct
    )
    .unwrap();
    writeln!(
        s,
        "  customer_satisfaction: {{label: 客户综合满意度, value: {}, unit: \"%\"}}",
        f.satisfaction
    )
    .unwrap();
    s.push_str("---\n\n");

    for (i, (title, theme)) in PARTS.iter().enumerate() {
        let title = if *theme == Theme::Plans {
            format!("{}年工作重点", year + 1)
        } else {
            title.to_string()
        };
        writeln!(s, "{}\n", part_heading(c, i, &title)).unwrap();
        match theme {
            Theme::Basic => {
                writeln!(
                    s,
                    "{}现有工作人员{}名，其中检测人员{}名。{}年接收送检仪器{}台件，{}，客户综合满意度{}%。\n",
                    c.name,
                    f.staff,
                    f.testers,
                    year,
                    f.wan(),
                    f.change(),
                    f.satisfaction
                )
                .unwrap();
                s.push_str("| 指标 | 数值 | 单位 |\n| --- | --- | --- |\n");
                writeln!(s, "| 工作人员 | {} | 名 |", f.staff).unwrap();
                writeln!(s, "| 检测人员 | {} | 名 |", f.testers).unwrap();
                writeln!(s, "| 接收送检仪器 | {} | 台件 |\n", f.wan()).unwrap();
            }
            Theme::Plans => {
                writeln!(s, "{}年，中心将重点做好以下几方面工作：\n", year + 1).unwrap();
                for t in templates(Theme::Plans).iter().take(5) {
                    writeln!(s, "{}\n", fill(rng, t, c, year)).unwrap();
                }
                continue;
            }
            Theme::Impartiality => {
                s.push_str("中心郑重承诺：\n\n");
                for (k, t) in templates(Theme::Impartiality).iter().enumerate().take(4) {
                    writeln!(s, "{}. {}", k + 1, fill(rng, t, c, year)).unwrap();
                }
                s.push('\n');
            }
            _ => {}
        }
        let subs = rng.range(2, 3) as usize;
        for j in 0..subs {
            if subs > 1 && !matches!(theme, Theme::Intro) {
                let sub = rng.pick(SUBHEADINGS);
                writeln!(s, "{}\n", sub_heading(rng, j, sub)).unwrap();
            }
            for _ in 0..rng.range(2, 3) {
                writeln!(s, "{}\n", paragraph(rng, *theme, c, year)).unwrap();
            }
        }
    }
    s
}

fn statement(rng: &mut Rng, c: &Centre, kind: &str, year: i32) -> String {
    let (title, theme) = if kind == "impartiality" {
        ("公正性声明", Theme::Impartiality)
    } else {
        ("服务承诺", Theme::Integrity)
    };
    let mut s = format!(
        "---\ntitle: {}{title}\neffective: {year}\npublisher: {}\n---\n\n",
        c.name, c.name
    );
    for (k, t) in templates(theme).iter().enumerate() {
        writeln!(s, "{}. {}", k + 1, fill(rng, t, c, year)).unwrap();
    }
    s
}

fn write(root: &Path, rel: &str, text: &str) -> std::io::Result<()> {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("has parent"))?;
    std::fs::write(path, text)
}

fn main() -> std::io::Result<()> {
    let mut reports = 1200usize;
    let mut out = PathBuf::from("corpus");
    let mut seed = 2018u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--reports" => reports = value().parse().expect("--reports N"),
            "--out" => out = PathBuf::from(value()),
            "--seed" => seed = value().parse().expect("--seed N"),
            _ => {
                eprintln!("usage: corpus [--reports 1200] [--out DIR] [--seed 2018]");
                std::process::exit(2);
            }
        }
    }
    const YEARS: i32 = 12;
    let centres = reports.div_ceil(YEARS as usize);
    if out.join("content").exists() {
        std::fs::remove_dir_all(out.join("content"))?;
    }
    write(
        &out,
        "config.yaml",
        "title: 国家产品质量检验检测中心社会责任公示平台\nbase_url: https://example.gov.cn/\nlanguage: zh-CN\n",
    )?;
    write(
        &out,
        "content/_index.md",
        "---\ntitle: 首页\n---\n\n各国家产品质量检验检测中心的社会责任报告、公正性声明与服务承诺。\n",
    )?;
    // Centres sit under one section, as on a real portal: a navigation of a
    // thousand top-level sections would weigh on every page.
    write(
        &out,
        "content/centres/_index.md",
        "---\ntitle: 检验检测中心\n---\n\n按中心浏览社会责任报告、公正性声明与服务承诺。\n",
    )?;
    let mut written = 0;
    let mut chars = 0usize;
    for i in 0..centres {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let c = centre(&mut rng, i);
        write(
            &out,
            &format!("content/centres/{}/_index.md", c.key),
            &format!("---\ntitle: {}\nkind: report\n---\n", c.name),
        )?;
        let mut previous = None;
        for y in 0..YEARS {
            if written == reports {
                break;
            }
            let year = 2013 + y;
            let text = report(&mut rng, &c, year, &mut previous);
            chars += text.chars().count();
            write(&out, &format!("content/centres/{}/{year}.md", c.key), &text)?;
            written += 1;
        }
        let first = 2013 + rng.range(0, 6) as i32;
        for kind in ["impartiality", "commitment"] {
            let section = format!("content/centres/{}/{kind}", c.key);
            let label = if kind == "impartiality" {
                "公正性声明"
            } else {
                "服务承诺"
            };
            write(
                &out,
                &format!("{section}/_index.md"),
                &format!("---\ntitle: {label}\nkind: {kind}\n---\n"),
            )?;
            for year in [first, first + 5] {
                write(
                    &out,
                    &format!("{section}/{year}.md"),
                    &statement(&mut rng, &c, kind, year),
                )?;
            }
        }
    }
    eprintln!(
        "wrote {written} reports ({} characters on average) and {} statements for {centres} centres to {}",
        chars / written.max(1),
        centres * 4,
        out.display()
    );
    Ok(())
}
