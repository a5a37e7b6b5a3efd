"""The words of bench/wordcloud_flood.py's room: a 300-word vocabulary, what participant i
sends, and what the server must then show.

The vocabulary is what a conference hall types when asked for a word about the day:
English and Japanese, single words and short phrases, drawn Zipf-like (the word of rank r
with weight 1/r, so the top word is in about 40 % of answers and the last few in a handful).
Each word has one usual spelling and the other spellings people type for the same key:
lower case, capitals, full-width letters (ＰＹＴＨＯＮ), half-width katakana (ﾗｰﾒﾝ), and
spellings the server trims or whose inner spaces it collapses to the usual one. So the
grouping by key is exercised at every answer, and a key's shown text is its most common
spelling.

Participant i's answer is a pure function of i (`entries_of`), so the load process and the
orchestrator agree without talking: 3 entries of 3 distinct words, except that every 10th
participant's third entry is a typo (a word of the vocabulary with one letter dropped:
the long tail of keys seen once or twice that a real cloud has, about 1,000 more keys at
10,000 participants), and every 50th types its first word twice in two spellings (3
entries, 2 keys: the server keeps the first spelling and counts the key once).

`expected` builds, from those answers alone, the counters the server must hold and the
results it must show, by the rules of the contract (docs/api.md, domain/questions/
wordcloud.py's docstring) written out again here, not by calling the server's code: each
key's count, its text (the most common spelling, ties the one that sorts first), most
common first (ties by text, then key). Only `entry_key` (the normalisation: NFKC, case
folded, spaces collapsed) is tohyo's own, and the vocabulary asserts that every spelling of
a word has that word's key.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

SEED = "tohyo-wordcloud-bench-1"
MAX_ENTRIES = 3
SEPARATOR = "\x1f"  # between a counter's key and spelling (domain.questions.base)
TYPO_EVERY = 10  # every 10th participant's third entry is a typo
TWICE_EVERY = 50  # every 50th participant types one word twice, spelled two ways

_ENGLISH = """Python; AI; Kubernetes; Rust; Go; TypeScript; Cloud; Security; Data; Scale;
Latency; Testing; Community; Open source; Coffee; Networking; Keynote; Inspiring; Fun;
Learning; Friends; Ideas; Future; Machine learning; LLM; Observability; Serverless; Edge;
DevOps; SRE; Privacy; Accessibility; Design; UX; Performance; Databases; SQLite;
PostgreSQL; Redis; Streams; Async; Concurrency; Caching; Queues; Microservices; Monolith;
APIs; GraphQL; REST; WebAssembly; JavaScript; React; CSS; HTML; Mobile; iOS; Android;
Linux; Terminal; Vim; Emacs; Git; CI; Code review; Pairing; Mentoring; Diversity;
Inclusion; Burnout; Remote work; Hiring; Startups; Funding; Ethics; Sustainability; Green
IT; Energy; Hardware; Chips; RISC-V; Robots; Drones; IoT; Sensors; Maps; Search; Ranking;
Recommendations; Analytics; Dashboards; Metrics; Logs; Tracing; Alerts; On-call;
Incidents; Postmortems; Reliability; Backups; Migrations; Refactoring; Legacy; Debt;
Docs; Tutorials; Workshops; Hallway track; Lightning talks; Slides; Demos; Live coding;
Q&A; Swag; Stickers; T-shirts; Lunch; Snacks; Tea; Wi-Fi; Energy drinks; Sleep; Jet lag;
Travel; Tokyo; Kyoto; Osaka; Sapporo; Fukuoka; Okinawa; Nagoya; Yokohama; Kobe; Hiroshima;
Sendai; Nara; Excited; Tired; Curious; Amazed; Motivated; Happy; Overwhelmed; Grateful;
Thoughtful; Practical; Deep; Technical; Clear; Friendly; Awesome; Brilliant; Great;
Cool; Wow; Next year; More time; Longer breaks; Bigger rooms; Better Wi-Fi; Streaming;
Recordings; Translation; Captions; Subtitles; Voting; Polls; Word clouds; Feedback"""

_JAPANESE = """ラーメン; 寿司; カレー; 天ぷら; うどん; そば; 焼き鳥; お好み焼き;
たこ焼き; 餃子; おにぎり; コーヒー; 緑茶; 抹茶; ビール; 日本酒; 楽しい; 面白い;
勉強になった; 感動; 刺激的; 最高;
すごい; ありがとう; 眠い; 疲れた; 難しい; わかりやすい; 実践的; 未来; 希望; 仲間; 交流;
出会い; 学び; 挑戦; 成長; 発見; 共有; 協力; 開発; 設計; 品質; 速度; 安全; 信頼; 自動化;
効率化; 可視化; データベース; クラウド; セキュリティ; テスト; インフラ; ネットワーク;
コンテナ; マイクロサービス; パフォーマンス; スケーラビリティ; オブザーバビリティ;
アクセシビリティ; デザイン; ユーザー体験; エンジニア; コミュニティ; オープンソース;
ドキュメント; レビュー; ペアプロ; リファクタリング; 東京; 京都; 大阪; 札幌; 福岡; 沖縄;
名古屋; 横浜; 神戸; 広島; 仙台; 奈良; 富士山; 桜; 紅葉; 温泉; 新幹線; 来年も; また来たい;
もっと時間を; 休憩; 懇親会; ライトニングトーク; 基調講演; ハンズオン; ワークショップ;
スライド; デモ; 質疑応答; 同時通訳; 字幕; 配信; 録画; アンケート; ワードクラウド; 投票;
生成AI; 機械学習; 人工知能; 大規模言語モデル; 量子コンピュータ; ロボット; 自動運転; 半導体;
省エネ; 持続可能性; 多様性; 働き方; リモートワーク; 採用; 起業; 副業; 健康; 睡眠; 運動;
読書; 音楽; 映画; アニメ; ゲーム; 写真; お弁当"""


def _words(block: str) -> list[str]:
    return [w.strip() for w in block.replace("\n", " ").split(";") if w.strip()]


def _full_width(word: str) -> str:
    """ASCII letters and signs as their full-width forms (NFKC takes them back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


@cache
def _half_width_katakana() -> dict[str, str]:
    """Full-width katakana → the half-width spelling NFKC takes back to it."""
    table: dict[str, str] = {}
    half = [chr(cp) for cp in range(0xFF61, 0xFFA0)]
    for h in half + [h + mark for h in half for mark in ("ﾞ", "ﾟ")]:
        full = unicodedata.normalize("NFKC", h)
        if len(full) == 1 and full not in table:
            table[full] = h
    return table


def _half_width(word: str) -> str | None:
    table = _half_width_katakana()
    if not all(c in table for c in word):
        return None  # kanji, hiragana: typed one way only
    return "".join(table[c] for c in word)


@dataclass(frozen=True)
class Word:
    usual: str
    spellings: tuple[str, ...]  # as typed; the server's trimmed spelling of [0] is `usual`
    cumulative: tuple[float, ...]  # of the spellings' weights


def _word(usual: str) -> Word:
    typed = [(usual, 80.0)]
    if usual.isascii():
        if usual.lower() != usual:
            typed.append((usual.lower(), 10.0))
        if usual.upper() != usual:
            typed.append((usual.upper(), 3.0))
        typed.append((_full_width(usual), 3.0))
    elif (half := _half_width(usual)) is not None:
        typed.append((half, 8.0))
    typed.append((f"  {usual} ", 2.0))  # trimmed to the usual spelling
    if " " in usual:
        typed.append((usual.replace(" ", "   "), 2.0))  # spaces collapsed to it
    spellings = tuple(s for s, _ in typed)
    return Word(usual, spellings, tuple(itertools.accumulate(w for _, w in typed)))


@cache
def vocabulary() -> tuple[Word, ...]:
    """300 words, most common first: English and Japanese interleaved, so both scripts are
    among the top words."""
    english, japanese = _words(_ENGLISH), _words(_JAPANESE)
    mixed = [w for pair in itertools.zip_longest(english, japanese) for w in pair if w]
    assert len(mixed) == len(set(mixed)) == 300, len(mixed)
    return tuple(_word(w) for w in mixed)


@cache
def _rank_weights() -> tuple[float, ...]:
    return tuple(itertools.accumulate(1.0 / r for r in range(1, len(vocabulary()) + 1)))


def _pick(rng: random.Random, cumulative: tuple[float, ...]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def entries_of(i: int) -> list[str]:
    """Participant i's answer: MAX_ENTRIES entries as typed."""
    rng = random.Random(f"{SEED}:{i}")
    words = vocabulary()
    ranks: list[int] = []
    while len(ranks) < MAX_ENTRIES:
        rank = _pick(rng, _rank_weights())
        if rank not in ranks:
            ranks.append(rank)
    typed = []
    for rank in ranks:
        word = words[rank]
        typed.append(word.spellings[_pick(rng, word.cumulative)])
    if i % TYPO_EVERY == TYPO_EVERY - 1:
        typed[2] = _typo(rng, words)
    if i % TWICE_EVERY == TWICE_EVERY - 1:
        word = words[ranks[0]]
        other = word.spellings[1] if word.spellings[0] == typed[0] else word.spellings[0]
        typed[1] = other  # the same key again: counted once, under typed[0]
    return typed


def _typo(rng: random.Random, words: tuple[Word, ...]) -> str:
    """A word of three characters or more, one of its characters dropped."""
    while True:
        usual = words[_pick(rng, _rank_weights())].usual
        if len(usual) >= 3:
            at = rng.randrange(len(usual))
            return usual[:at] + usual[at + 1 :]


_SPACES = re.compile(r"\s+")


def entry_key(text: str) -> str:
    """tohyo's key of an entry (imported here, not at the top: the load process, which
    only sends entries, does not load tohyo)."""
    import tohyo.domain.questions  # noqa: F401 - before text_keys, which it imports
    from tohyo.domain.text_keys import entry_key as key_of

    return key_of(text)


def spelling(typed: str) -> str:
    """The spelling the server keeps: trimmed, inner spaces made one (the vocabulary has
    no controls, so `\\s` is the server's white space here)."""
    return _SPACES.sub(" ", typed.strip())


def kept(i: int) -> tuple[str, ...]:
    """Participant i's canonical answer: one spelling per key, the first typed."""
    by_key: dict[str, str] = {}
    for typed in entries_of(i):
        by_key.setdefault(entry_key(spelling(typed)), spelling(typed))
    return tuple(by_key.values())


def check_vocabulary() -> None:
    """Every spelling of a word has its usual spelling's key, and no two words share one."""
    keys = set()
    for word in vocabulary():
        key = entry_key(word.usual)
        for typed in word.spellings:
            assert entry_key(spelling(typed)) == key, (typed, key)
        assert key not in keys, key
        keys.add(key)


@dataclass
class Expected:
    """What the server must hold and show after participants 0..n-1 answered."""

    n: int
    answers: Counter[tuple[str, ...]]  # each canonical answer, with its multiplicity
    counters: Counter[str]  # the tally's counters (key, or key SEP spelling)
    entries: list[dict[str, Any]]  # every key, as results list it: {key, text, count}

    def results(self, limit: int | None) -> dict[str, Any]:
        """The results' totals and list, cut at `limit` (50 public, 200 host, None all)."""
        return {
            "totalVotes": self.n,
            "entryCount": sum(e["count"] for e in self.entries),
            "distinct": len(self.entries),
            "entries": self.entries[:limit] if limit is not None else self.entries,
        }


def expected(n: int) -> Expected:
    answers = Counter(kept(i) for i in range(n))
    counters: Counter[str] = Counter()
    by_key: dict[str, Counter[str]] = {}
    for answer, times in answers.items():
        for s in answer:
            key = entry_key(s)
            counters[key if key == s else key + SEPARATOR + s] += times
            by_key.setdefault(key, Counter())[s] += times
    rows = []
    for key, spellings in by_key.items():
        text = min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]
        rows.append((-sum(spellings.values()), text, key))
    rows.sort()
    entries = [{"key": key, "text": text, "count": -count} for count, text, key in rows]
    return Expected(n, answers, counters, entries)
