"""The eight default heroes, frozen for the data migrations of both
migration sets (heroes/migrations/ and mongo_migrations/heroes/). The
migration loader skips modules whose name starts with an underscore.

Descriptions are the project's own words. Migration 0008 adds fourteen
more (``_more_heroes.py``, which also exports ``ALL_DEFAULT_HEROES``).
"""

DEFAULT_HEROES = [
    {
        "key": "black-widow",
        "name_ko": "블랙 위도우",
        "name_en": "Black Widow",
        "aliases": ["black widow", "blackwidow", "natasha romanoff"],
        "description_ko": "냉철한 판단력과 뛰어난 격투 실력을 갖춘 첩보 요원. 말보다 행동이 빠르고, 어떤 상황에서도 침착함을 잃지 않아요.",
        "description_en": "A spy with a cool head and superb fighting skills. She acts before others finish talking and never loses her calm.",
    },
    {
        "key": "captain-america",
        "name_ko": "캡틴 아메리카",
        "name_en": "Captain America",
        "aliases": ["captain america", "captainamerica", "steve rogers"],
        "description_ko": "방패 하나로 동료를 지키는 원칙주의자 리더. 곧은 눈빛과 흔들리지 않는 신념이 트레이드마크예요.",
        "description_en": "A principled leader who protects his team with nothing but a shield. A steady gaze and unshakable convictions are his trademark.",
    },
    {
        "key": "doctor-strange",
        "name_ko": "닥터 스트레인지",
        "name_en": "Doctor Strange",
        "aliases": ["doctor strange", "dr strange", "doctorstrange", "stephen strange"],
        "description_ko": "외과의사에서 마법사가 된 신비술의 대가. 날카로운 관찰력과 약간의 자신감 과잉이 매력이에요.",
        "description_en": "A surgeon turned master of the mystic arts. Sharp observation and a touch too much confidence are his charm.",
    },
    {
        "key": "hulk",
        "name_ko": "헐크",
        "name_en": "Hulk",
        "aliases": ["hulk", "bruce banner"],
        "description_ko": "온화한 과학자 안에 잠든 거대한 힘. 평소엔 다정하지만 화가 나면 아무도 막을 수 없어요.",
        "description_en": "Enormous strength asleep inside a gentle scientist. Kind most of the time, unstoppable when angry.",
    },
    {
        "key": "iron-man",
        "name_ko": "아이언맨",
        "name_en": "Iron Man",
        "aliases": ["ironman", "iron man", "tony stark"],
        "description_ko": "직접 만든 슈트를 입고 싸우는 천재 발명가. 재치 있는 농담과 자신만만한 미소로 유명해요.",
        "description_en": "A genius inventor who fights in a suit he built himself. Known for quick jokes and a confident grin.",
    },
    {
        "key": "loki",
        "name_ko": "로키",
        "name_en": "Loki",
        "aliases": ["loki"],
        "description_ko": "속을 알 수 없는 장난의 신. 영리한 말솜씨와 의미심장한 미소로 모두를 헷갈리게 만들어요.",
        "description_en": "The unreadable god of mischief. His clever tongue and knowing smile keep everyone guessing.",
    },
    {
        "key": "spider-man",
        "name_ko": "스파이더맨",
        "name_en": "Spider-Man",
        "aliases": ["spider-man", "spiderman", "spider man", "peter parker"],
        "description_ko": "거미줄을 타고 도시를 누비는 친절한 이웃 히어로. 밝고 장난기 많은 얼굴 뒤에 큰 책임감을 품고 있어요.",
        "description_en": "The friendly neighbourhood hero who swings across the city. Behind a bright, playful face he carries a big sense of responsibility.",
    },
    {
        "key": "thanos",
        "name_ko": "타노스",
        "name_en": "Thanos",
        "aliases": ["thanos"],
        "description_ko": "우주의 균형을 꿈꾸는 거대한 정복자. 묵직한 존재감과 단호한 표정이 압도적이에요.",
        "description_en": "A towering conqueror who dreams of balancing the universe. His heavy presence and resolute expression are overwhelming.",
    },
]


def create_default_heroes(apps, schema_editor):
    Hero = apps.get_model("heroes", "Hero")
    for order, data in enumerate(DEFAULT_HEROES, start=1):
        Hero.objects.get_or_create(key=data["key"], defaults={**data, "order": order * 10})


def remove_default_heroes(apps, schema_editor):
    Hero = apps.get_model("heroes", "Hero")
    Hero.objects.filter(key__in=[data["key"] for data in DEFAULT_HEROES]).delete()
