"""Training pieces on synthetic embeddings, and train_heroes --from-catalog on real photos."""

import io
import json

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from heroes.ml import training
from heroes.ml.classifier import HeroClassifier, softmax, weighted_quantiles
from mylittlehero.tests.factories import ASTRONAUT

pytestmark = pytest.mark.model


def test_folder_names_map_to_heroes_by_key_or_alias():
    mapping = training.label_map(
        [("iron-man", ["ironman", "Tony Stark"]), ("spider-man", ["spider man"])]
    )
    assert training.hero_for_label("ironman", mapping) == "iron-man"
    assert training.hero_for_label("Iron Man", mapping) == "iron-man"
    assert training.hero_for_label("spider-man", mapping) == "spider-man"
    assert training.hero_for_label("SPIDERMAN", mapping) == "spider-man"
    assert training.hero_for_label("hulk", mapping) is None


def synthetic(n_per_class=30, classes=("a", "b", "c"), seed=0, spread=0.3):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(classes), 128))
    embeddings, labels = [], []
    for centre, label in zip(centres, classes):
        embeddings.append(centre + spread * rng.normal(size=(n_per_class, 128)))
        labels += [label] * n_per_class
    x = np.concatenate(embeddings).astype(np.float32)
    return training.FaceSet(
        x, labels, [f"p{i}" for i in range(len(x))], [64.0] * len(x), total=len(x)
    )


def test_duplicates_are_dropped_and_cross_hero_copies_removed_from_both():
    faces = synthetic(10)
    x = np.concatenate([faces.embeddings, faces.embeddings[[0, 1]], faces.embeddings[[15]]])
    labels = faces.labels + ["a", "b", "a"]  # 0 again as "a"; 1 again as "b"; 15 ("b") as "a"
    dup = training.FaceSet(x, labels, [f"p{i}" for i in range(len(x))], [64.0] * len(x))
    cleaned = training.drop_duplicates(dup)
    reasons = sorted(reason for _p, _l, reason in cleaned.skipped)
    assert reasons.count("duplicate") == 1
    assert reasons.count("duplicate_across_heroes") == 4  # 1 twice, 15 twice
    assert len(cleaned) == len(x) - 5


def test_training_faces_also_in_valid_are_dropped():
    train = synthetic(10)
    valid = training.FaceSet(train.embeddings[:3], train.labels[:3], ["v0", "v1", "v2"], [64.0] * 3)
    cleaned = training.drop_duplicates(train, valid)
    assert len(cleaned) == len(train) - 3
    assert {r for _p, _l, r in cleaned.skipped} == {"also_in_valid"}


def test_temperature_fit_recovers_the_true_temperature():
    rng = np.random.default_rng(1)
    logits = rng.normal(scale=3, size=(4000, 5))
    probabilities = softmax(logits, 2.0)
    y = np.array([rng.choice(5, p=p) for p in probabilities])
    assert abs(training.fit_temperature(logits, y) - 2.0) < 0.15


def test_expected_calibration_error():
    probabilities = np.array([[0.9, 0.1]] * 10)
    y = np.array([0] * 9 + [1])
    assert training.expected_calibration_error(probabilities, y) == pytest.approx(0.0, abs=1e-9)
    y = np.array([0] * 5 + [1] * 5)
    assert training.expected_calibration_error(probabilities, y) == pytest.approx(0.4)


def test_classifier_learns_saves_and_loads(tmp_path):
    train, valid = synthetic(40, seed=0), synthetic(10, seed=0)
    valid.embeddings = valid.embeddings + 0.01  # the same people, other photos
    classifier, report = training.train_classifier(train, valid, ["a", "b", "c"])
    assert report["valid"]["valid"]["top1"] > 0.9
    assert report["version"].startswith("heroes-")
    folder = training.write_model(classifier, tmp_path, activate=True)
    assert (tmp_path / "CURRENT").read_text().strip() == classifier.version
    loaded = HeroClassifier.load(folder)
    p1, s1 = classifier.scores(valid.embeddings)
    p2, s2 = loaded.scores(valid.embeddings)
    assert np.allclose(p1, p2, atol=1e-5) and np.allclose(s1, s2, atol=1e-5)
    card = json.loads((folder / "model.json").read_text())
    assert card["heroes"] == ["a", "b", "c"] and card["scoring"]["temperature"] > 0
    assert loaded.scoring == classifier.scoring


def test_shown_numbers_follow_the_ranking_and_every_person_weighs_the_same():
    """The index beside each hero is an increasing function of the score that
    ranks it, for every face, identity bonus or not; a reference person with
    five photos weighs as much as one with one photo."""
    train = synthetic(40, seed=0)
    population = synthetic(30, seed=3)
    population.embeddings = population.embeddings + np.random.default_rng(4).normal(
        scale=0.6, size=population.embeddings.shape
    )
    population.labels = [f"person{i % 20}" for i in range(len(population))]
    population.sources = ["news"] * 60 + ["portraits"] * (len(population) - 60)
    classifier, report = training.train_classifier(
        train, None, ["a", "b", "c"], population=population
    )
    strength = report["match_strength"]
    assert strength["population"]["news"]["people"] == 20
    probes = np.concatenate([population.embeddings, train.embeddings[:20]])
    probabilities, _similarities, percentiles = classifier.analyse(probes)
    for p_row, i_row in zip(probabilities, percentiles):
        order = np.argsort(-p_row)
        assert np.all(np.diff(i_row[order]) <= 1e-9)

    weights = training.person_weights(["x", "x", "x", "x", "y"])
    assert weights.tolist() == [0.25, 0.25, 0.25, 0.25, 1.0]
    values = [1.0, 1.0, 1.0, 1.0, 5.0]
    assert weighted_quantiles(values, points=3)[1] == pytest.approx(1.0)
    assert weighted_quantiles(values, weights, points=3)[1] > 1.5  # y's one photo counts


def photo(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return ContentFile(buffer.getvalue(), name="ref.jpg")


@pytest.mark.django_db
def test_train_from_catalog_adds_a_new_hero(shared_datasets, tmp_path, capsys):
    """A moderator adds a hero with reference photos; one command retrains."""
    from heroes.models import Hero, HeroImage

    Hero.objects.exclude(key="loki").update(is_active=False)
    loki = Hero.objects.get(key="loki")
    astronaut = Hero.objects.create(key="astronaut", name_ko="우주비행사", name_en="Astronaut")
    base = Image.open(ASTRONAUT).convert("RGB")
    for i in range(8):
        crop = 10 + 6 * i
        variant = base.crop((crop, crop, 512 - crop // 2, 512 - crop // 3))
        if i % 2:
            variant = variant.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        HeroImage.objects.create(hero=astronaut, image=photo(variant))
    london = sorted((shared_datasets / "faces-london" / "neutral").glob("*.jpg"))[:8]
    for path in london:
        HeroImage.objects.create(hero=loki, image=photo(Image.open(path)))

    call_command("train_heroes", "--from-catalog", "--output", str(tmp_path), "--activate")
    out = capsys.readouterr().out
    assert "written to" in out
    version = (tmp_path / "CURRENT").read_text().strip()
    from heroes.ml.engine import HeroEngine

    hero_engine = HeroEngine(tmp_path / version)
    assert sorted(hero_engine.heroes) == ["astronaut", "loki"]
    result = hero_engine.analyse(str(ASTRONAUT))
    assert result.top.hero == "astronaut"
    smiling = shared_datasets / "faces-london" / "smiling" / london[0].name
    assert hero_engine.analyse(str(smiling)).top.hero == "loki"


def _folder_photo(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90)


@pytest.mark.django_db
def test_train_from_several_sources_merges_dedups_and_measures_strength(
    shared_datasets, tmp_path, capsys, engine_config
):
    """Two --data folders with the same heroes under other folder names, a
    picture repeated byte for byte across them under two heroes, and a
    population: one model, per-source counts, match-strength statistics."""
    import shutil

    from heroes.models import Hero

    Hero.objects.exclude(key__in=["loki", "thor"]).update(is_active=False)
    london = sorted((shared_datasets / "faces-london" / "neutral").glob("*.jpg"))
    smiling = shared_datasets / "faces-london" / "smiling"
    a, b = tmp_path / "a", tmp_path / "b"
    news, portraits = tmp_path / "news", tmp_path / "portraits"
    for i, path in enumerate(london[:6]):
        _folder_photo(a / "train" / "loki" / f"{i}.jpg", Image.open(path))
        _folder_photo(a / "valid" / "loki" / f"{i}.jpg", Image.open(smiling / path.name))
    for i, path in enumerate(london[6:12]):
        _folder_photo(b / "train" / "Thor" / f"{i}.jpg", Image.open(path))  # the key's case
        _folder_photo(b / "valid" / "thor" / f"{i}.jpg", Image.open(smiling / path.name))
    # The same bytes under both heroes: its label is unknowable.
    shutil.copy(a / "train" / "loki" / "0.jpg", b / "train" / "Thor" / "dup.jpg")
    # Two reference populations (two kinds of photo); the same person name
    # in both folders is two people.
    for i, path in enumerate(london[12:24]):
        folder = news if i < 6 else portraits
        _folder_photo(folder / f"person{i % 6 // 3}" / f"{i}.jpg", Image.open(path))

    call_command(
        "train_heroes",
        "--data",
        str(a),
        "--data",
        str(b),
        "--population",
        str(news),
        "--population",
        str(portraits),
        "--output",
        str(tmp_path / "models"),
        "--activate",
    )
    version = (tmp_path / "models" / "CURRENT").read_text().strip()
    card = json.loads((tmp_path / "models" / version / "model.json").read_text())
    assert set(card["valid"]) == {"a", "b"}
    per_source = card["train"]["per_source"]
    assert per_source["a"]["images"] == 6 and per_source["b"]["images"] == 7
    assert per_source["a"]["per_hero"]["loki"] == 5 and per_source["b"]["per_hero"]["thor"] == 6
    assert card["train"]["skipped"]["duplicate_across_heroes"] == 2
    strength = card["match_strength"]
    assert len(strength["quantiles"]) == 101
    assert strength["population"] == {
        "news": {"faces": 6, "people": 2, "weight": 0.5},
        "portraits": {"faces": 6, "people": 2, "weight": 0.5},
    }
    assert strength["quantiles"] == sorted(strength["quantiles"])
    assert strength["summary"]["all"]["people"] == 4
    assert strength["summary"]["news"]["photos"] == 6
    assert card["scoring"]["tie_margin"] > 0 and card["nearly_tied"]["reencoding"]["photos"] == 12
    profiles = card["hero_profiles"]
    assert set(profiles) == {"loki", "thor"}
    assert sum(p["share"] for p in profiles.values()) == pytest.approx(1.0, abs=1e-3)

    from heroes.ml.engine import HeroEngine

    hero_engine = HeroEngine(tmp_path / "models" / version)
    result = hero_engine.analyse(str(smiling / london[1].name))  # 0 was the duplicate
    assert result.top.hero == "loki"
    assert 0 <= result.match_strength <= 100 and result.match_strength == result.top.percentile
    assert all(0 <= score.percentile <= 100 for score in result.ranking)
    shown = [score.percentile for score in result.ranking]
    assert shown == sorted(shown, reverse=True)

    capsys.readouterr()
    engine_config(model_dir=tmp_path / "models" / version)
    call_command("evaluate_heroes", "--data", str(a), "--data", str(b))
    out = capsys.readouterr().out
    assert "split a/valid" in out and "split b/valid" in out
