"""The fourteen heroes added to the default catalog in 0008, frozen
for the data migrations of both migration sets (heroes/migrations/ and
mongo_migrations/heroes/). The migration loader skips modules whose name
starts with an underscore.

Descriptions are the project's own words. Aliases are character and hero
names (they also map training folder names to keys), never actor names.

``ALL_DEFAULT_HEROES`` is the whole default catalog (the original eight from
0002, then these fourteen); tests and fakes take "the default heroes" from it.
"""

from heroes.migrations._default_heroes import DEFAULT_HEROES

MORE_HEROES = [
    {
        "key": "scarlet-witch",
        "name_ko": "스칼렛 위치",
        "name_en": "Scarlet Witch",
        "aliases": ["scarlet witch", "scarletwitch", "wanda maximoff"],
        "description_ko": "붉은 혼돈 마법으로 현실마저 바꾸는 마녀. 조용하고 깊은 눈빛 뒤에 누구보다 뜨거운 감정을 품고 있어요.",
        "description_en": "A witch whose crimson chaos magic can rewrite reality itself. Behind a quiet, deep gaze she holds feelings fiercer than anyone's.",
    },
    {
        "key": "captain-marvel",
        "name_ko": "캡틴 마블",
        "name_en": "Captain Marvel",
        "aliases": ["captain marvel", "captainmarvel", "carol danvers"],
        "description_ko": "우주를 날아다니는 전직 공군 조종사. 거침없는 자신감과 눈부신 에너지로 어떤 벽이든 뚫고 나아가요.",
        "description_en": "A former air force pilot who now flies between the stars. Fearless confidence and dazzling energy carry her through any wall.",
    },
    {
        "key": "gamora",
        "name_ko": "가모라",
        "name_en": "Gamora",
        "aliases": ["gamora"],
        "description_ko": "은하에서 가장 위험한 여전사로 불리는 검객. 차가워 보이는 표정 뒤에 동료를 향한 깊은 의리가 숨어 있어요.",
        "description_en": "A swordswoman known as the most dangerous warrior in the galaxy. Behind a cool expression lies deep loyalty to her friends.",
    },
    {
        "key": "rescue",
        "name_ko": "레스큐",
        "name_en": "Rescue",
        "aliases": ["rescue", "pepper potts"],
        "description_ko": "회사를 이끌던 유능한 경영자가 직접 슈트를 입고 나선 히어로. 단정하고 침착하지만, 소중한 사람을 지킬 때는 누구보다 용감해요.",
        "description_en": "A capable executive who stepped into an armoured suit of her own. Poised and composed, yet braver than anyone when her people are in danger.",
    },
    {
        "key": "mighty-thor",
        "name_ko": "마이티 토르",
        "name_en": "Mighty Thor",
        "aliases": ["mighty thor", "mightythor", "jane foster"],
        "description_ko": "망치를 들어 천둥의 힘을 얻은 천체물리학자. 지적인 눈빛과 꺾이지 않는 의지가 돋보여요.",
        "description_en": "An astrophysicist who lifted the hammer and took up the power of thunder. A bright, curious gaze and an unbreakable will set her apart.",
    },
    {
        "key": "jean-grey",
        "name_ko": "진 그레이",
        "name_en": "Jean Grey",
        "aliases": ["jean grey", "jeangrey", "phoenix"],
        "description_ko": "생각만으로 마음을 읽고 물건을 움직이는 초능력자. 부드러운 인상 속에 불사조처럼 타오르는 힘을 감추고 있어요.",
        "description_en": "A mutant who reads minds and moves objects by thought alone. Under a gentle look she hides a power that burns like a phoenix.",
    },
    {
        "key": "mystique",
        "name_ko": "미스틱",
        "name_en": "Mystique",
        "aliases": ["mystique", "raven darkholme"],
        "description_ko": "누구의 모습으로든 변할 수 있는 변신의 달인. 도도한 눈빛과 속을 알 수 없는 미소가 매력이에요.",
        "description_en": "A shapeshifter who can take on anyone's face. A proud gaze and an unreadable smile are her charm.",
    },
    {
        "key": "jessica-jones",
        "name_ko": "제시카 존스",
        "name_en": "Jessica Jones",
        "aliases": ["jessica jones", "jessicajones"],
        "description_ko": "엄청난 힘을 숨긴 채 살아가는 사립 탐정. 무뚝뚝하고 냉소적인 말투 뒤에 꺼지지 않는 정의감이 있어요.",
        "description_en": "A private investigator who keeps her enormous strength to herself. Behind blunt, sarcastic words burns a sense of justice that never goes out.",
    },
    {
        "key": "thor",
        "name_ko": "토르",
        "name_en": "Thor",
        "aliases": ["thor", "thor odinson"],
        "description_ko": "망치를 휘둘러 번개를 부르는 천둥의 신. 호탕한 웃음과 듬직한 체격으로 어디서나 눈에 띄어요.",
        "description_en": "The god of thunder who calls down lightning with his hammer. His hearty laugh and sturdy build stand out wherever he goes.",
    },
    {
        "key": "star-lord",
        "name_ko": "스타로드",
        "name_en": "Star-Lord",
        "aliases": ["star-lord", "starlord", "star lord", "peter quill"],
        "description_ko": "음악을 사랑하는 우주 무법자 팀의 리더. 능청스러운 농담과 장난기 가득한 미소로 위기마저 즐겨요.",
        "description_en": "The music-loving leader of a crew of space outlaws. He meets danger with cheeky jokes and a mischievous grin.",
    },
    {
        "key": "hawkeye",
        "name_ko": "호크아이",
        "name_en": "Hawkeye",
        "aliases": ["hawkeye", "hawk eye", "clint barton"],
        "description_ko": "활 하나로 과녁을 놓치지 않는 명궁. 과묵하고 현실적이지만 가족과 동료에게는 한없이 따뜻해요.",
        "description_en": "A master archer who never misses, armed with nothing but a bow. Quiet and down-to-earth, but endlessly warm toward his family and friends.",
    },
    {
        "key": "falcon",
        "name_ko": "팔콘",
        "name_en": "Falcon",
        "aliases": ["falcon", "sam wilson"],
        "description_ko": "기계 날개로 하늘을 가르는 믿음직한 파트너. 유쾌한 입담과 남을 먼저 챙기는 따뜻한 마음을 지녔어요.",
        "description_en": "A dependable partner who cuts through the sky on mechanical wings. He has a quick wit and a warm habit of looking out for others first.",
    },
    {
        "key": "wolverine",
        "name_ko": "울버린",
        "name_en": "Wolverine",
        "aliases": ["wolverine", "logan"],
        "description_ko": "손등에서 강철 발톱이 튀어나오는, 상처가 금세 아무는 뮤턴트. 거친 구레나룻과 퉁명스러운 태도 뒤에 깊은 의리가 있어요.",
        "description_en": "A mutant with steel claws in his hands and wounds that close in moments. Behind rugged sideburns and a gruff manner is a deeply loyal friend.",
    },
    {
        "key": "venom",
        "name_ko": "베놈",
        "name_en": "Venom",
        "aliases": ["venom", "eddie brock"],
        "description_ko": "외계 공생체와 한 몸이 된 기자. 거칠고 제멋대로지만 묘하게 미워할 수 없는 반항아예요.",
        "description_en": "A reporter who shares his body with an alien symbiote. Rough and unruly, yet a rebel you can't quite bring yourself to dislike.",
    },
]

ALL_DEFAULT_HEROES = DEFAULT_HEROES + MORE_HEROES
ALL_DEFAULT_HERO_KEYS = [hero["key"] for hero in ALL_DEFAULT_HEROES]

# The original eight use order 10..80; these continue at 90, 100, ...
FIRST_ORDER = (len(DEFAULT_HEROES) + 1) * 10


def create_more_heroes(apps, schema_editor):
    Hero = apps.get_model("heroes", "Hero")
    for offset, data in enumerate(MORE_HEROES):
        Hero.objects.get_or_create(
            key=data["key"], defaults={**data, "order": FIRST_ORDER + offset * 10}
        )


def remove_more_heroes(apps, schema_editor):
    Hero = apps.get_model("heroes", "Hero")
    Hero.objects.filter(key__in=[data["key"] for data in MORE_HEROES]).delete()
