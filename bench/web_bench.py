"""Web app speed: time to first byte of the home page and of a drill grade round trip, and the
grade endpoint's throughput with 8 concurrent clients next to grading in-process.

Starts `viva serve` (uvicorn, one process) on a free loopback port with a temporary data dir and
the built-in bank, warms the models with one grade, then measures over real HTTP. Every graded
answer is different, so no request is served from the grade cache. Targets (issue 6): home
TTFB p50 <= 50 ms, grade round trip <= 150 ms.

Then, in Chromium (issue 15): the time from the click on "grade" to the answer shown beside the
reference (the side-by-side view in the page, its marks and formulas), p50 <= 300 ms.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from _common import free_port, percentile
from viva.config import load_settings
from viva.service import Viva

REQUESTS = 200
CLIENTS = 8
CLICKS = 40  # grade clicks timed in the browser
CHROMIUM = "/usr/bin/chromium"

# In the page: the click's time, and the time the side-by-side view is in the document.
TIMED_CLICK = """
() => new Promise(resolve => {
  const button = document.querySelector('[data-testid=grade-button]');
  const box = document.getElementById('grade');
  const started = performance.now();
  const seen = new MutationObserver(() => {
    if (box.querySelector('[data-testid=compare]')) {
      seen.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));  // drawn
    }
  });
  seen.observe(box, {childList: true, subtree: true});
  button.click();
})
"""
ANSWER = (
    "过拟合是模型在训练集上表现很好、在测试集上表现差的现象，原因是模型复杂度太高而数据太少，"
    "学到了噪声。缓解的方法有增加数据、数据增强、正则化（L1、L2）、Dropout、早停，"
    "以及降低模型复杂度或者用交叉验证选择超参数。第{n}次作答。"
)


def ttfb(client: httpx.Client, method: str, url: str, **kwargs: object) -> float:
    """Seconds until the response's first byte (headers) arrives; the body is then drained."""
    start = time.perf_counter()
    with client.stream(method, url, **kwargs) as response:  # type: ignore[arg-type]
        first = time.perf_counter() - start
        response.read()
        response.raise_for_status()
    return first


def line(name: str, values: list[float], target: float | None = None) -> None:
    p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
    goal = ""
    if target:
        verdict = {True: "met", False: "MISSED"}
        judged = f"p50 {verdict[p50 <= target]}, p95 {verdict[p95 <= target]}"
        goal = f"   (target {target:.0f} ms: {judged})"
    print(f"{name:<40} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms{goal}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VIVA_HOME": str(Path(tmp) / "home"), "VIVA_BUILTIN_BANK": "1"}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "viva"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            run(url, env)
        finally:
            server.terminate()
            server.wait(timeout=15)


def run(url: str, env: dict[str, str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/api/preferences", timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    viva = Viva(load_settings(env))
    questions = [q for q in viva.questions() if q.has_reference]
    target = next(q for q in questions if "过拟合" in q.prompt)
    print(
        f"web bench: {len(questions)} built-in questions, {REQUESTS} requests per figure, "
        f"{os.cpu_count()} cores"
    )
    with httpx.Client(base_url=url, timeout=60, headers={"Origin": url}) as client:
        client.get("/")
        token = client.cookies["viva_csrf"]
        headers = {"X-CSRF-Token": token, "HX-Request": "true"}
        client.post(
            "/drill/grade", data={"question_id": target.id, "answer": "warm up"}, headers=headers
        )
        home = [ttfb(client, "GET", "/") for _ in range(REQUESTS)]
        line("home page TTFB", home, 50)
        grade = [
            ttfb(
                client,
                "POST",
                "/drill/grade",
                data={"question_id": target.id, "answer": ANSWER.format(n=n)},
                headers=headers,
            )
            for n in range(REQUESTS)
        ]
        line("drill grade round trip TTFB", grade, 150)

    # throughput: 8 clients on loopback vs the same grading in-process
    answers = [ANSWER.format(n=10_000 + n) for n in range(REQUESTS)]
    errors: list[str] = []

    def worker(chunk: list[str]) -> None:
        with httpx.Client(base_url=url, timeout=120, headers={"Origin": url}) as client:
            client.get("/api/preferences")
            client.headers["X-CSRF-Token"] = client.cookies["viva_csrf"]
            for answer in chunk:
                response = client.post(
                    "/api/grade", json={"question_id": target.id, "answer": answer}
                )
                if response.status_code != 200:
                    errors.append(response.text)

    threads = [threading.Thread(target=worker, args=(answers[i::CLIENTS],)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    web_rps = REQUESTS / (time.perf_counter() - start)
    viva.grade(target.id, "warm up in-process")
    local = [ANSWER.format(n=20_000 + n) for n in range(REQUESTS)]
    start = time.perf_counter()
    for answer in local:
        viva.grade(target.id, answer)
    local_rps = REQUESTS / (time.perf_counter() - start)
    viva.close()
    compare_view(url, target.id)
    print(f"grade endpoint, {CLIENTS} clients          {web_rps:6.1f} req/s ({len(errors)} errors)")
    print(f"grading in-process, same answers    {local_rps:6.1f} answers/s")
    print(f"web / in-process                    {web_rps / local_rps:6.2f}x")
    print(
        f"median grade latency seen by a client at this load: "
        f"{CLIENTS / web_rps * 1000:.0f} ms (requests queue for the one model)"
    )


def compare_view(url: str, question_id: str) -> None:
    """Click "grade" in Chromium and time until the side-by-side view is drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        times = []
        for n in range(CLICKS + 1):
            page.goto(f"{url}/drill/q/{question_id}")
            page.get_by_test_id("answer").fill(ANSWER.format(n=30_000 + n))
            elapsed = page.evaluate(TIMED_CLICK) / 1000
            if n:  # the first click warms the page's scripts
                times.append(elapsed)
        browser.close()
    line("grade click -> side by side (Chromium)", times, 300)


if __name__ == "__main__":
    main()
