"""Hosted mode under load: 50 simulated students, PostgreSQL with 2 workers vs SQLite with 1.

For each database it starts `viva serve` (PostgreSQL: `--workers 2`, the job queue and one
`viva worker`; SQLite: 1 worker, jobs in the server's own process) on a free loopback port
with a temporary data dir and the built-in bank, adds 50 users through the service
(`Viva.add_user`, each importing their own copy of the seed note), then for `--seconds`:

- over HTTP (`--multi-user`), 50 students at once, each signing in to their own account, then
  answering a question every 20 s (drill next, grade, review) and now and then starting a
  mock interview and answering two of its questions; a few upload a note as an import job
  and poll it. Meanwhile their teacher (all 50 are in one class, which shares the teacher's
  bank with them) opens the class page every TEACHER_EVERY s. Then a cross-user probe over
  HTTP: every route that takes an id, with one student's ids requested while another is
  signed in, and every class route with class A's ids requested by a student of class A and
  by the teacher of class B (target 0 leaks); and bursts of wrong passwords.
- through the service, the same 50 students each as their own user (`Viva.as_user`), in
  threads of this process: per-user data under the same load.

Printed: p50/p95 per endpoint or call, errors (target 0), throughput, reviews acknowledged vs
stored (target equal), and a cross-user probe at the service layer: every object id of one
user asked for as another, through every call that takes an id (target 0 leaks).

    python bench/hosted_bench.py [--seconds 300] [--students 50]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.postgres import postgres_server  # noqa: E402
from tests.service.test_users import _give_data  # noqa: E402
from tests.web.test_accounts_http import _routes  # noqa: E402
from tests.web.test_classes_http import _class_routes, class_of  # noqa: E402

from _common import free_port, percentile  # noqa: E402
from viva.config import load_settings  # noqa: E402
from viva.errors import NotFoundError  # noqa: E402
from viva.service import QuestionNotGradable, Viva  # noqa: E402
from viva.service.preferences import now_utc  # noqa: E402
from viva.store.jobs import create_job  # noqa: E402
from viva.store.schema import reviews, users  # noqa: E402
from viva.store.users import find_user_id  # noqa: E402

SEED = ROOT / "tests" / "data" / "seed-note.txt"
PASSWORD = "bench-password-1"  # every simulated student's
EVERY = 20.0  # seconds between two answers of one student
TEACHER_EVERY = 5.0  # seconds between two looks of the teacher at the class page
TEACHER = "teacher00"
ANSWER = (
    "过拟合是模型在训练集上表现很好、在测试集上表现差，原因是模型太复杂而数据太少。"
    "可以用正则化、Dropout、早停和数据增强缓解。第{n}次作答。"
)


@dataclass
class Tally:
    """Latencies per endpoint, errors, and what was acknowledged."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    reviews: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # per user
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, name: str, call: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            result = call()
        except Exception as error:
            with self.lock:
                self.errors.append(f"{name}: {type(error).__name__}: {str(error)[:160]}")
            return None
        with self.lock:
            self.seconds[name].append(time.perf_counter() - start)
        return result

    def report(self, title: str, elapsed: float) -> None:
        total = sum(len(v) for v in self.seconds.values())
        print(f"  {title}: {total} calls in {elapsed:.0f} s = {total / elapsed:.1f}/s")
        for name in sorted(self.seconds):
            values = self.seconds[name]
            p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
            print(f"    {name:<30} n={len(values):<5} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        print(f"    errors: {len(self.errors)}")
        kinds = Counter(error[:140] for error in self.errors)
        for error, count in kinds.most_common(8):
            print(f"      {count} x {error}")


def http_ok(response: httpx.Response) -> Any:
    if response.status_code not in (200, 202):
        raise RuntimeError(f"{response.status_code} {response.request.url.path}: {response.text}")
    return response.json()


NOT_GRADABLE = object()  # what the grade of a question without a reference answer is


def graded_or_not(response: httpx.Response) -> Any:
    """A grade's JSON, or NOT_GRADABLE for a question whose reference is only a link (the
    drill page then lets the student rate it without a grade)."""
    if response.status_code == 400 and "cannot be graded" in response.text:
        return NOT_GRADABLE
    return http_ok(response)


def student_name(number: int) -> str:
    return f"student{number:03d}"


def signed_in(api: httpx.Client, name: str, tally: Tally | None = None) -> None:
    """Sign `api` in as `name` through the sign-in API (the CSRF cookie first)."""
    api.get("/sign-in").raise_for_status()
    api.headers["X-CSRF-Token"] = api.cookies.get("viva_csrf", "")

    def sign_in() -> Any:
        return http_ok(api.post("/api/sign-in", json={"name": name, "password": PASSWORD}))

    if tally is None:
        sign_in()
    elif tally.timed("POST /api/sign-in", sign_in) is None:
        raise RuntimeError(f"{name} could not sign in")


def http_student(url: str, number: int, stop: float, tally: Tally) -> None:
    """One student over HTTP, signed in to their own account: an answer every EVERY s, an
    interview every 5th, an import job for every 10th student once."""
    rng = random.Random(number)
    time.sleep(rng.uniform(0, EVERY))  # students do not all start on the same second
    name = student_name(number)
    with httpx.Client(base_url=url, timeout=120, headers={"Origin": url}) as api:
        try:
            signed_in(api, name, tally)
        except (RuntimeError, httpx.HTTPError) as error:
            with tally.lock:
                tally.errors.append(f"sign-in of {name}: {type(error).__name__}: {error}")
            return
        tally.timed("GET /api/preferences", lambda: http_ok(api.get("/api/preferences")))
        if number % 10 == 0:
            tally.timed("import job (upload→done)", lambda: import_job(api, number))
        turn = 0
        while time.monotonic() < stop:
            began = time.monotonic()
            nxt = tally.timed("GET /api/drill/next", lambda: http_ok(api.get("/api/drill/next")))
            question = nxt and nxt["question"]
            if question:
                answer = ANSWER.format(n=f"{number}-{turn}")
                body = {"question_id": question["id"], "answer": answer}
                graded = tally.timed(
                    "POST /api/grade", lambda b=body: graded_or_not(api.post("/api/grade", json=b))
                )
                if graded is NOT_GRADABLE:  # as on the page: the student rates it themself
                    rated = {"question_id": question["id"], "rating": 3}
                    done = tally.timed(
                        "POST /api/reviews (self-rated)",
                        lambda r=rated: http_ok(api.post("/api/reviews", json=r)),
                    )
                else:
                    done = tally.timed(
                        "POST /api/reviews",
                        lambda b=body: http_ok(api.post("/api/reviews", json={**b, "rating": 3})),
                    )
                if done is not None:
                    with tally.lock:
                        tally.reviews[name] += 1
            if turn % 5 == 4:
                http_interview(api, tally, seed=number * 100 + turn)
            turn += 1
            time.sleep(max(0.0, EVERY - (time.monotonic() - began)))


def http_interview(api: httpx.Client, tally: Tally, *, seed: int) -> None:
    live = tally.timed(
        "POST /api/interviews",
        lambda: http_ok(api.post("/api/interviews", json={"plan": "tech-job", "seed": seed})),
    )
    if live is None:
        return
    token, version = live["token"], live["version"]
    for _ in range(2):
        step = tally.timed(
            "POST /api/interviews/…/answer",
            lambda v=version: http_ok(
                api.post(
                    f"/api/interviews/live/{token}/answer",
                    json={"answer": ANSWER.format(n=seed), "version": v},
                )
            ),
        )
        if step is None or step["interview"] is None:
            return
        version = step["interview"]["version"]


def import_job(api: httpx.Client, number: int) -> None:
    sent = http_ok(
        api.post(
            "/api/import",
            files=[("files", (f"seed-{number}.md", SEED.read_bytes(), "text/markdown"))],
            data={"bank": f"upload-{number}"},
            headers={"Prefer": "respond-async"},
        )
    )
    while sent["state"] not in ("done", "failed"):
        time.sleep(0.5)
        sent = http_ok(api.get(f"/api/jobs/{sent['id']}"))
    if sent["state"] != "done":
        raise RuntimeError(f"import job failed: {sent['error']}")


def grade_or_not(viva: Viva, question_id: str, answer: str) -> Any:
    """The service's grade, or NOT_GRADABLE (see `graded_or_not`)."""
    try:
        return viva.grade(question_id, answer)
    except QuestionNotGradable:
        return NOT_GRADABLE


def service_student(viva: Viva, stop: float, tally: Tally, number: int) -> None:
    """One student through the service, as their own user."""
    rng = random.Random(number)
    time.sleep(rng.uniform(0, EVERY))
    turn = 0
    while time.monotonic() < stop:
        began = time.monotonic()
        queue = tally.timed("drill_queue", lambda: viva.drill_queue(limit=1))
        if queue:
            qid = queue[0].id
            answer = ANSWER.format(n=f"{number}-{turn}")
            graded = tally.timed("grade", lambda q=qid, a=answer: grade_or_not(viva, q, a))
            if graded is NOT_GRADABLE:
                done = tally.timed("review (self-rated)", lambda q=qid: viva.review(q, 3))
                if done is not None:
                    with tally.lock:
                        tally.reviews[viva.user] += 1
            elif graded is not None:
                done = tally.timed(
                    "review",
                    lambda q=qid, a=answer, g=graded[1]: viva.review(q, 3, answer=a, grade=g),
                )
                if done is not None:
                    with tally.lock:
                        tally.reviews[viva.user] += 1
        if turn % 5 == 4:
            live = tally.timed(
                "begin_interview",
                lambda t=turn: viva.begin_interview("tech-job", seed=number * 100 + t),
            )
            if live is not None:
                tally.timed(
                    "answer_interview",
                    lambda v=live, t=turn: viva.answer_interview(
                        v.token, ANSWER.format(n=t), version=v.version, seconds_used=30
                    ),
                )
        turn += 1
        time.sleep(max(0.0, EVERY - (time.monotonic() - began)))


def stored_reviews(viva: Viva) -> dict[str, int]:
    with viva.db.reader() as conn:
        rows = conn.execute(
            sa.select(users.c.name, sa.func.count(reviews.c.id))
            .join(reviews, reviews.c.user_id == users.c.id)
            .group_by(users.c.name)
        )
        return {name: int(count) for name, count in rows}


def cross_user_probe(students: list[Viva]) -> tuple[int, int]:
    """(calls, leaks): every id of each student asked for by the next one."""
    owned = []
    for viva in students:
        question = viva.questions(banks=["notes"])[0]
        own = viva.add_question(f"{viva.user} 自己的问题？", reference="答案。")
        live = viva.begin_interview("tech-job", banks=["notes"], seed=1)
        finished = viva.interviews()
        job_id = uuid.uuid4().hex
        with viva.db.transaction() as conn:
            user_id = find_user_id(conn, viva.user)
            assert user_id is not None
            create_job(conn, user_id, job_id=job_id, kind="import", arguments={}, now=now_utc())
        owned.append(
            {
                "question": question.id,
                "own": own.id,
                "token": live.token,
                "version": live.version,
                "interview": finished[0].id if finished else None,
                "job": job_id,
            }
        )
    calls = leaks = 0
    for index, ids in enumerate(owned):
        probes = _probes(students[(index + 1) % len(students)], ids)
        for probe in probes:
            calls += 1
            try:
                probe()
            except NotFoundError:
                continue
            leaks += 1
    return calls, leaks


def _probes(other: Viva, ids: dict[str, Any]) -> list[Callable[[], object]]:
    """Every service call that takes an id, as `other`, with another user's ids."""
    q, own, token = ids["question"], ids["own"], ids["token"]
    probes: list[Callable[[], object]] = [
        lambda: other.question(q),
        lambda: other.question(q[:6]),
        lambda: other.grade(q, "答案"),
        lambda: other.review(q, 3),
        lambda: other.disputes(q),
        lambda: other.dispute_grade(q, "答案", 90),
        lambda: other.edit_question(q, reference="改"),
        lambda: other.note_version(q),
        lambda: other.restore_note(q),
        lambda: other.question_terms(q),
        lambda: other.remove_question(own),
        lambda: other.edit_question(own, prompt="改？"),
        lambda: other.live_interview(token),
        lambda: other.answer_interview(token, "答案", version=ids["version"], seconds_used=5),
        lambda: other.job(ids["job"]),
    ]
    if ids["interview"] is not None:
        probes.append(lambda: other.interview(ids["interview"]))
    return probes


def http_teacher(url: str, class_id: int, stop: float, tally: Tally) -> None:
    """The class's teacher, signed in, opening the class page (and its JSON) every
    TEACHER_EVERY s while the students work."""
    with httpx.Client(base_url=url, timeout=120, headers={"Origin": url}) as api:
        signed_in(api, TEACHER, tally)
        while time.monotonic() < stop:
            began = time.monotonic()

            def page() -> str:
                response = api.get(f"/classes/{class_id}")
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code} class page: {response.text}")
                return response.text

            tally.timed("GET /classes/{id} (teacher)", page)
            tally.timed(
                "GET /api/classes/{id} (teacher)",
                lambda: http_ok(api.get(f"/api/classes/{class_id}")),
            )
            time.sleep(max(0.0, TEACHER_EVERY - (time.monotonic() - began)))


def http_class_probe(url: str, admin: Viva) -> tuple[int, int]:
    """(requests, leaks): class A (teacher, two students, an answer and an interview) and
    class B; every class route with class A's ids, asked by a student of class A (a teacher's
    operation: 403, nothing shown) and by class B's teacher (404). A leak: another status, or
    the other student's name or the join code in the answer."""
    with tempfile.TemporaryDirectory() as folder:
        a = class_of(
            admin, "probe-t-a", Path(folder), "probe-s-a1", "probe-s-a2", password=PASSWORD
        )
        class_of(admin, "probe-t-b", Path(folder), "probe-s-b1", password=PASSWORD)
    calls = leaks = 0
    for who, expected in (("probe-s-a2", 403), ("probe-t-b", 404)):
        with httpx.Client(base_url=url, timeout=120, headers={"Origin": url}) as api:
            signed_in(api, who)
            for method, path, extra in _class_routes(a):
                response = api.request(method, path, **extra)
                calls += 1
                shown = response.text
                if response.status_code != expected or "probe-s-a1" in shown or a["code"] in shown:
                    leaks += 1
    return calls, leaks


def http_cross_user_probe(url: str, admin: Viva) -> tuple[int, int]:
    """(requests, leaks): two more students with data of every kind; each one's ids through
    every route that takes an id, while the other is signed in. A leak: anything but a 404,
    or the owner's name in the answer."""
    owned = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in ("probe-a", "probe-b"):
            admin.accounts.add(name, password=PASSWORD)
            owned[name] = _give_data(admin.as_user(name), name, Path(folder))
    calls = leaks = 0
    for owner, other in (("probe-a", "probe-b"), ("probe-b", "probe-a")):
        with httpx.Client(base_url=url, timeout=120, headers={"Origin": url}) as api:
            signed_in(api, other)
            for method, path, extra in _routes(owned[owner]):
                calls += 1
                try:
                    response = api.request(method, path, **extra)
                except httpx.TransportError as error:
                    print(f"    probe {method} {path}: {type(error).__name__} (not a leak)")
                    continue
                if response.status_code != 404 or owner in response.text:
                    leaks += 1
    return calls, leaks


def throttle_burst(url: str, admin: Viva) -> None:
    """Wrong passwords in parallel bursts from one address (X-Forwarded-For, which uvicorn
    trusts from loopback): at one account, then at many names. Prints what each got, and
    whether the right password is held back while the account is, and not from elsewhere."""
    attacker, bystander = "203.0.113.7", "198.51.100.20"
    admin.accounts.add("burst-target", password=PASSWORD)
    admin.accounts.add("burst-bystander", password=PASSWORD)

    def client(address: str) -> httpx.Client:
        api = httpx.Client(
            base_url=url, timeout=120, headers={"Origin": url, "X-Forwarded-For": address}
        )
        api.get("/sign-in").raise_for_status()
        api.headers["X-CSRF-Token"] = api.cookies.get("viva_csrf", "")
        return api

    def burst(names: list[str], address: str, password: str) -> Counter[int]:
        got: Counter[int] = Counter()
        lock = threading.Lock()

        def attempt(name: str) -> None:
            api = client(address)
            try:
                status = api.post(
                    "/api/sign-in", json={"name": name, "password": password}
                ).status_code
            finally:
                api.close()
            with lock:
                got[status] += 1

        threads = [threading.Thread(target=attempt, args=(n,)) for n in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return got

    def shown(got: Counter[int]) -> str:
        return ", ".join(f"{status} x{count}" for status, count in sorted(got.items()))

    started = time.perf_counter()
    at_one = burst(["burst-target"] * 20, attacker, "wrong-password")
    right_held = burst(["burst-target"], bystander, PASSWORD)
    at_many = burst([f"guess{n:02d}" for n in range(45)], attacker, "wrong-password")
    from_attacker = burst(["burst-bystander"], attacker, PASSWORD)
    from_elsewhere = burst(["burst-bystander"], bystander, PASSWORD)
    took = time.perf_counter() - started
    print(
        f"  sign-in throttle, bursts of parallel wrong passwords ({took:.1f} s):\n"
        f"    20 at one account: {shown(at_one)}; its right password then: {shown(right_held)}\n"
        f"    45 at other names from one address: {shown(at_many)};"
        f" a right password from that address: {shown(from_attacker)},"
        f" from another address: {shown(from_elsewhere)}"
    )


def warm(url: str, students: int) -> None:
    """Load the models in every worker before measuring: grades on fresh connections from a
    few threads at once (the kernel spreads them over the workers)."""

    def grade(number: int) -> None:
        with httpx.Client(base_url=url, timeout=300, headers={"Origin": url}) as api:
            signed_in(api, student_name(number))  # one account each: sign-ins are throttled
            question = http_ok(api.get("/api/drill/next"))["question"]
            http_ok(api.post("/api/grade", json={"question_id": question["id"], "answer": "热身"}))

    threads = [threading.Thread(target=grade, args=(n,)) for n in range(min(8, students))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@contextmanager
def serving(
    env: dict[str, str], workers: int, queue: bool, logs: Path, students: int
) -> Iterator[str]:
    """The server (and the queue's worker) for one phase; their output goes to `logs`."""
    port = free_port()
    viva_bin = str(Path(sys.executable).parent / "viva")
    log = (logs / "serve.log").open("ab")
    processes = [
        subprocess.Popen(
            [viva_bin, "serve", "--port", str(port), "--workers", str(workers), "--multi-user"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(url + "/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or processes[0].poll() is not None:
                raise RuntimeError("viva serve did not start")
            time.sleep(0.2)
        warm(url, students)
        if queue:
            processes.append(
                subprocess.Popen(
                    [viva_bin, "worker"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        yield url
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def run(name: str, env: dict[str, str], workers: int, queue: bool, args: Any) -> None:
    settings = load_settings(env)
    admin = Viva(settings)
    admin.ensure_builtin()
    started = time.perf_counter()
    students = []
    for number in range(args.students):
        admin.accounts.add(student_name(number), password=PASSWORD)
        student = admin.as_user(student_name(number))
        student.import_notes([SEED], bank="notes")
        student.set_preferences(new_per_day=9999)
        students.append(student)
    admin.accounts.add(TEACHER, role="teacher", password=PASSWORD)
    teacher = admin.as_user(TEACHER)
    teacher.import_notes([SEED], bank="class-notes")
    made = teacher.create_class("bench class")
    teacher.share_bank(made.id, "class-notes")
    for student in students:
        student.join_class(made.join_code or "")
    print(
        f"\n{name}: {workers} worker(s), jobs {'queue + 1 viva worker' if queue else 'local'}; "
        f"{args.students} users added with their own seed note in "
        f"{time.perf_counter() - started:.1f} s"
    )
    logs = Path(args.logs) / name.lower()
    logs.mkdir(parents=True, exist_ok=True)
    print(f"  the server's log: {logs / 'serve.log'}")
    with serving(env, workers, queue, logs, args.students) as url:
        tally = Tally()
        stop = time.monotonic() + args.seconds
        began = time.monotonic()
        threads = [
            threading.Thread(target=http_student, args=(url, n, stop, tally))
            for n in range(args.students)
        ]
        threads.append(threading.Thread(target=http_teacher, args=(url, made.id, stop, tally)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tally.report(
            f"HTTP, {args.students} students each signed in as themselves",
            time.monotonic() - began,
        )
        after_http = stored_reviews(admin)
        mismatched = [
            s.user for s in students if tally.reviews[s.user] != after_http.get(s.user, 0)
        ]
        print(
            f"    reviews acknowledged {sum(tally.reviews.values())},"
            f" stored {sum(after_http.get(s.user, 0) for s in students)}"
            f" (users whose counts differ: {len(mismatched)})"
        )
        calls, leaks = http_cross_user_probe(url, admin)
        print(f"  cross-user probe (HTTP): {calls} requests with another user's ids, {leaks} leaks")
        calls, leaks = http_class_probe(url, admin)
        print(
            f"  class probe (HTTP): {calls} requests with class A's ids by a student of A and"
            f" the teacher of B, {leaks} leaks"
        )
        throttle_burst(url, admin)

    per_user = Tally()
    students[0].grade(students[0].questions(banks=["notes"])[0].id, "热身")  # load the models
    stop = time.monotonic() + args.seconds
    began = time.monotonic()
    threads = [
        threading.Thread(target=service_student, args=(s, stop, per_user, n))
        for n, s in enumerate(students)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    per_user.report(
        f"service, {args.students} users each their own (threads of one process)",
        time.monotonic() - began,
    )
    # what this phase stored: the total less what the HTTP phase had stored
    stored_per_user = {
        name: count - after_http.get(name, 0) for name, count in stored_reviews(admin).items()
    }
    acknowledged = sum(per_user.reviews.values())
    stored = sum(stored_per_user.get(s.user, 0) for s in students)
    mismatched = [
        s.user for s in students if per_user.reviews[s.user] != stored_per_user.get(s.user, 0)
    ]
    print(
        f"    reviews acknowledged {acknowledged}, stored {stored}"
        f" (users whose counts differ: {len(mismatched)})"
    )
    calls, leaks = cross_user_probe(students)
    print(
        f"  cross-user probe (service layer): {calls} calls with another user's ids, {leaks} leaks"
    )
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="load per phase")
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument(
        "--only", choices=("postgresql", "sqlite"), help="run one phase (default: both)"
    )
    parser.add_argument(
        "--logs",
        default=None,
        help="folder for the servers' logs (default: a new folder under the temp dir, kept)",
    )
    args = parser.parse_args()
    args.logs = args.logs or tempfile.mkdtemp(prefix="viva-hosted-bench-")
    print(
        f"hosted bench: {args.students} students, {args.seconds:.0f} s per phase, an answer "
        f"every {EVERY:.0f} s each, {os.cpu_count()} cores, loopback only"
    )
    with tempfile.TemporaryDirectory() as tmp, postgres_server(durable=True) as postgres:
        base = {**os.environ, "VIVA_BUILTIN_BANK": "1", "NO_COLOR": "1"}
        hosted = {
            **base,
            "VIVA_HOME": str(Path(tmp) / "pg-home"),
            "VIVA_DATABASE_URL": postgres.create_database("viva_bench"),
            "VIVA_JOBS": "queue",
        }
        if args.only in (None, "postgresql"):
            run("PostgreSQL", hosted, workers=2, queue=True, args=args)
        personal = {**base, "VIVA_HOME": str(Path(tmp) / "sqlite-home")}
        if args.only in (None, "sqlite"):
            run("SQLite", personal, workers=1, queue=False, args=args)


if __name__ == "__main__":
    main()
