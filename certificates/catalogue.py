"""The national catalogue of special operations (特种作业目录), as plain data.

From the appendix of the Provisions on Safety Technical Training and Assessment of Special
Operations Personnel (特种作业人员安全技术培训考核管理规定, State Administration of Work Safety
Order No. 30 of 2010, as amended by Orders No. 63 of 2013 and No. 80 of 2015): ten categories
of special operations and their operation items. The eleventh entry of the appendix ("other
operations recognised by the State Administration") has no items and is left out.

Stored in English (``CertificateType.category`` and ``operation_item``); the Chinese names are
kept here as documentation. The codes are short and stable: they go into certificate numbers
(``CERTIFICATE_NUMBER_PATTERN``), so a code once seeded never changes. Plain data with no
import of the models, so the data migration ``0002_national_catalogue`` can use it.
"""

from dataclasses import dataclass

# The defaults of the national rules: a certificate is valid 6 years and reviewed every 3;
# theory and practical are passed with 80 of 100; 8 hours of refresher training before review.
VALIDITY_YEARS = 6
REVIEW_INTERVAL_YEARS = 3
PASS_SCORE = 80
REFRESHER_HOURS = 8


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    category: str
    operation_item: str
    category_zh: str
    operation_item_zh: str


ELECTRICAL = ("Electrical work", "电工作业")
WELDING = ("Welding and thermal cutting", "焊接与热切割作业")
HEIGHT = ("Work at height", "高处作业")
REFRIGERATION = ("Refrigeration and air-conditioning", "制冷与空调作业")
COAL_MINE = ("Coal mine safety", "煤矿安全作业")
METAL_MINE = ("Metal and non-metal mine safety", "金属非金属矿山安全作业")
OIL_AND_GAS = ("Oil and gas safety", "石油天然气安全作业")
METALLURGY = ("Metallurgical (non-ferrous) production safety", "冶金（有色）生产安全作业")
CHEMICALS = ("Hazardous chemicals safety", "危险化学品安全作业")
FIREWORKS = ("Fireworks and firecrackers safety", "烟花爆竹安全作业")

CATEGORIES = [
    ELECTRICAL,
    WELDING,
    HEIGHT,
    REFRIGERATION,
    COAL_MINE,
    METAL_MINE,
    OIL_AND_GAS,
    METALLURGY,
    CHEMICALS,
    FIREWORKS,
]

# (category, [(code, operation item, 作业项目), ...]) in the order of the catalogue.
_ITEMS = [
    (
        ELECTRICAL,
        [
            ("ELHV", "High-voltage electrician", "高压电工作业"),
            ("ELPC", "Electric power cable work", "电力电缆作业"),
            ("ELRP", "Relay protection work", "继电保护作业"),
            ("ELET", "Electrical testing", "电气试验作业"),
            ("ELLV", "Low-voltage electrician", "低压电工作业"),
            ("ELEX", "Explosion-proof electrical work", "防爆电气作业"),
        ],
    ),
    (
        WELDING,
        [
            ("WEFC", "Fusion welding and thermal cutting", "熔化焊接与热切割作业"),
            ("WEPW", "Pressure welding", "压力焊作业"),
            ("WEBR", "Brazing", "钎焊作业"),
        ],
    ),
    (
        HEIGHT,
        [
            ("HTSE", "Erection of high-altitude installations", "登高架设作业"),
            (
                "HTIM",
                "Installation, maintenance and demolition at height",
                "高处安装、维护、拆除作业",
            ),
        ],
    ),
    (
        REFRIGERATION,
        [
            (
                "RFOP",
                "Operation of refrigeration and air-conditioning equipment",
                "制冷与空调设备运行操作作业",
            ),
            (
                "RFIR",
                "Installation and repair of refrigeration and air-conditioning equipment",
                "制冷与空调设备安装修理作业",
            ),
        ],
    ),
    (
        COAL_MINE,
        [
            ("CM01", "Underground electrical work", "煤矿井下电气作业"),
            ("CM02", "Underground blasting", "煤矿井下爆破作业"),
            ("CM03", "Safety monitoring and control", "煤矿安全监测监控作业"),
            ("CM04", "Gas (firedamp) inspection", "煤矿瓦斯检查作业"),
            ("CM05", "Safety inspection", "煤矿安全检查作业"),
            ("CM06", "Hoist operation", "煤矿提升机操作作业"),
            ("CM07", "Shearer (roadheader) operation", "煤矿采煤机（掘进机）操作作业"),
            ("CM08", "Gas drainage", "煤矿瓦斯抽采作业"),
            ("CM09", "Outburst prevention", "煤矿防突作业"),
            ("CM10", "Water exploration and drainage", "煤矿探放水作业"),
        ],
    ),
    (
        METAL_MINE,
        [
            ("MM01", "Mine ventilation", "金属非金属矿井通风作业"),
            ("MM02", "Tailings work", "尾矿作业"),
            ("MM03", "Safety inspection", "金属非金属矿山安全检查作业"),
            ("MM04", "Hoist operation", "金属非金属矿山提升机操作作业"),
            ("MM05", "Roof support work", "金属非金属矿山支柱作业"),
            ("MM06", "Underground electrical work", "金属非金属矿山井下电气作业"),
            ("MM07", "Drainage", "金属非金属矿山排水作业"),
            ("MM08", "Blasting", "金属非金属矿山爆破作业"),
        ],
    ),
    (
        OIL_AND_GAS,
        [
            ("OGDR", "Driller", "司钻作业"),
        ],
    ),
    (
        METALLURGY,
        [
            ("MTGW", "Gas work", "煤气作业"),
        ],
    ),
    (
        CHEMICALS,
        [
            ("HC01", "Phosgene and phosgenation process", "光气及光气化工艺作业"),
            ("HC02", "Chlor-alkali electrolysis process", "氯碱电解工艺作业"),
            ("HC03", "Chlorination process", "氯化工艺作业"),
            ("HC04", "Nitration process", "硝化工艺作业"),
            ("HC05", "Ammonia synthesis process", "合成氨工艺作业"),
            ("HC06", "Cracking (pyrolysis) process", "裂解（裂化）工艺作业"),
            ("HC07", "Fluorination process", "氟化工艺作业"),
            ("HC08", "Hydrogenation process", "加氢工艺作业"),
            ("HC09", "Diazotization process", "重氮化工艺作业"),
            ("HC10", "Oxidation process", "氧化工艺作业"),
            ("HC11", "Peroxidation process", "过氧化工艺作业"),
            ("HC12", "Amination process", "胺基化工艺作业"),
            ("HC13", "Sulfonation process", "磺化工艺作业"),
            ("HC14", "Polymerization process", "聚合工艺作业"),
            ("HC15", "Alkylation process", "烷基化工艺作业"),
            ("HC16", "Chemical automatic control instrumentation", "化工自动化控制仪表作业"),
        ],
    ),
    (
        FIREWORKS,
        [
            ("FW01", "Pyrotechnic composition manufacture", "烟火药制造作业"),
            ("FW02", "Black powder manufacture", "黑火药制造作业"),
            ("FW03", "Fuse manufacture", "引火线制造作业"),
            ("FW04", "Work with explosive compositions in fireworks", "烟花爆竹产品涉药作业"),
            ("FW05", "Fireworks storage", "烟花爆竹储存作业"),
        ],
    ),
]

NATIONAL_CATALOGUE: list[CatalogueItem] = [
    CatalogueItem(code, category, item, category_zh, item_zh)
    for (category, category_zh), items in _ITEMS
    for code, item, item_zh in items
]

# The items the demo's special workers hold (``certificates.demo``).
LOW_VOLTAGE_ELECTRICIAN = "ELLV"
FUSION_WELDING = "WEFC"
METALLURGICAL_GAS_WORK = "MTGW"
