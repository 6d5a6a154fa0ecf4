"""A learner's first hour in JupyterLab, in a real browser: headless Chromium driven by selenium.

JupyterLab is started exactly as `make lab` starts it (scripts/lab.sh, set-up skipped, the
learner's working copy in a temporary folder). Then, as a learner would:

- every lesson is opened from the working copy, run with Run > Run All Cells, and waited for
  until every code cell has its execution count and the kernel is idle; no cell may fail or
  write to stderr. Screenshots of the whole notebook, a window-height page at a time, go to
  build/browser/ at a 1400 px wide window and at a 900 px wide one;
- at both widths every picture (PNG and SVG outputs, inline svg in HTML outputs) must lie within
  its output area, and no output area (nor the notebook) may scroll sideways;
- in a scratch notebook a long `train` is stopped with the toolbar's stop button: the cell ends
  with "interrupted at epoch E, batch B", its progress bar shows how far training got (not
  100%), and the model kept what it learned (`m.epochs` > 0 in the next cell);
- the browser's console holds no SEVERE error, and the repository is exactly as it was.

The browser is Debian's chromium with its chromedriver (scripts/install-browser.sh, which
`make test` runs through scripts/setup.sh --browser; this test runs it too when they are
missing). Only when they can be neither found nor installed is the test skipped, saying why, and
never under CI=true: there it fails.

Each lesson's running time is printed as it ends.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import traceback
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest

from lab_support import ROOT, TOKEN, Lab, free_port, lab_env

SHOTS = ROOT / "build" / "browser"
LESSONS = sorted(p.name for p in (ROOT / "Lessons").glob("*.ipynb"))
WIDTHS = (1400, 900)
HEIGHT = 1000  # px: the window's height, a laptop's
LESSON_TIMEOUT = 900  # s for one lesson's Run All; the slowest takes about 100 s on 2 cores
MAX_PAGES = 40  # screenshots per lesson and width
SCRATCH = "scratch-stop-button.ipynb"
SCRATCH_CELLS = [
    "data = mnist train 6000 test 1000\nmodel m:\n    dense 64 relu\n    latent 8\n    dense 64 relu\n    dense 784 sigmoid",
    "train m on data epochs 500",  # about 35 s on 2 cores: far longer than it takes to press stop
    "m.epochs",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Console messages that are JupyterLab's own noise, not the kernel's nor the lessons': each
# pattern is narrow and says why it is let through. Whatever else is SEVERE fails the test.
CONSOLE_NOISE: list[tuple[str, str]] = []


# --- The browser -----------------------------------------------------------------------------------


def find_browser() -> tuple[str | None, str | None]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = "/usr/bin/chromedriver" if os.access("/usr/bin/chromedriver", os.X_OK) else shutil.which("chromedriver")
    return chromium, driver


def browser_or_skip() -> tuple[str, str]:
    """chromium and chromedriver, installed by scripts/install-browser.sh when missing; a skip
    that says why when they cannot be (a failure under CI)."""
    chromium, driver = find_browser()
    if chromium and driver:
        return chromium, driver
    try:
        installer = subprocess.run([str(ROOT / "scripts" / "install-browser.sh")], stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True, timeout=1800)
        said = (installer.stdout + installer.stderr).strip()[-600:]
    except (OSError, subprocess.TimeoutExpired) as error:
        said = str(error)
    chromium, driver = find_browser()
    if chromium and driver:
        return chromium, driver
    reason = (f"no chromium ({chromium or 'not found'}) or chromedriver ({driver or 'not found'}), and "
              f"scripts/install-browser.sh could not install them: {said}")
    if IN_CI:
        pytest.fail(reason + " (CI=true: the browser test must run)")
    pytest.skip(reason)


def start_chromium(chromium: str, chromedriver: str):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        pytest.fail(f"selenium is missing from the Python environment ({error}): run scripts/setup.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={WIDTHS[0]},{HEIGHT}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # "Leave site?" when a notebook with unsaved changes is left for the next one: leave.
    options.unhandled_prompt_behavior = "accept"
    return webdriver.Chrome(service=Service(chromedriver), options=options)


# --- What the test keeps between its parts ------------------------------------------------------


def repository_state() -> dict[str, str]:
    """`git status --porcelain` of the repository, with a hash of each file it lists (so that a
    file already modified that changes again is seen too)."""
    status = subprocess.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode()
    state = {}
    for entry in filter(None, status.split("\0")):
        path = ROOT / entry[3:]
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"
        state[entry[3:]] = f"{entry[:2]} {digest}"
    return state


class Learner:
    """JupyterLab (through lab.sh) and a browser on it; runs each lesson once and keeps what it saw."""

    def __init__(self, lab: Lab, lessons: Path, driver, say):
        self.lab, self.lessons, self.driver, self.say = lab, lessons, driver, say
        self.base = f"http://127.0.0.1:{lab.port}"
        self.runs: dict[str, dict] = {}
        self.console: list[tuple[str, dict]] = []
        self.interrupt: dict | None = None
        self.repository_before: dict[str, str] = {}

    # -- small tools
    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, what: str, condition, timeout: float, every: float = 0.25):
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                self.screenshot("timeout-" + re.sub(r"[^\w.-]+", "-", what)[:60])
                raise AssertionError(f"waited {timeout:.0f} s for {what}")
            time.sleep(every)

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def set_width(self, width: int) -> None:
        """A window whose page (viewport) is `width` px wide and HEIGHT px high."""
        self.driver.set_window_size(width, HEIGHT)
        inner = self.js("return [window.innerWidth, window.innerHeight]")
        if inner != [width, HEIGHT]:
            self.driver.set_window_size(2 * width - inner[0], 2 * HEIGHT - inner[1])
        time.sleep(1.0)  # JupyterLab lays itself out again on resize

    def drain_console(self, where: str) -> None:
        for entry in self.driver.get_log("browser"):
            self.console.append((where, entry))

    def dialog(self) -> str | None:
        """Accepts JupyterLab's kernel choice if it asks (choosing Latent); returns the text of
        any other dialog."""
        text = self.js("const d = document.querySelector('.jp-Dialog'); return d ? d.innerText : null")
        if text is None:
            return None
        chosen = self.js("""
            const d = document.querySelector('.jp-Dialog'), select = d.querySelector('select');
            if (!select) return false;
            const latent = [...select.options].find(o => /latent/i.test(o.textContent));
            if (!latent) return false;
            select.value = latent.value;
            select.dispatchEvent(new Event('change', {bubbles: true}));
            d.querySelector('.jp-Dialog-button.jp-mod-accept').click();
            return true""")
        return None if chosen else text

    def panel_js(self) -> str:
        return "const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');"

    def prompts(self) -> list[str]:
        return self.js(self.panel_js() + """
            return panel ? [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent.trim()) : []""")

    def kernel_status(self) -> str | None:
        return self.js(self.panel_js() + """
            const i = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
            return i ? i.dataset.status : null""")

    def open_notebook(self, name: str) -> None:
        # ?reset: a fresh workspace, so that the notebook before it is not opened again beside it.
        self.driver.get(f"{self.base}/lab/tree/{quote(name)}?reset&token={TOKEN}")

        def kernel_name():
            return self.js(self.panel_js() + """
                const k = panel && panel.querySelector('.jp-KernelName'); return k ? k.textContent.trim() : null""")

        def ready():
            if (text := self.dialog()) is not None:
                raise AssertionError(f"{name}: JupyterLab asked: {text}")
            return bool(self.prompts()) and kernel_name() == "Latent" and self.kernel_status() == "idle"

        try:
            self.wait(f"{name} to open with an idle Latent kernel", ready, 120)
        except AssertionError as error:
            raise AssertionError(f"{error} (the kernel shown: {kernel_name()!r}, status {self.kernel_status()!r})")
        self.decline_news()

    def open_scratch(self, name: str, cells: list[str]) -> None:
        """A new notebook of these code cells in the working copy, opened at the wide width."""
        nb = nbformat.v4.new_notebook()
        nb.metadata = nbformat.read(ROOT / "Lessons" / LESSONS[0], as_version=4).metadata
        nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        nbformat.write(nb, self.lessons / name)
        self.set_width(WIDTHS[0])
        self.open_notebook(name)

    def run_first_then_start_second(self, what: str) -> None:
        """Selects the open notebook's first cell (command mode), runs it with Shift+Enter as a
        learner would, waits for it, then starts the second cell the same way."""
        from selenium.webdriver.common.by import By

        self.driver.find_element(
            By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt").click()
        self.shift_enter()
        self.wait_until_run(f"{what}'s first cell", 120, cells=1)
        self.shift_enter()

    def shift_enter(self) -> None:
        """Runs the active cell and moves to the next, as a learner's Shift+Enter does."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()

    def decline_news(self) -> None:
        """JupyterLab asks, in a toast over the notebook's bottom right corner, whether to fetch
        Jupyter's news; a learner answers No (kept in this test's own settings folder)."""
        self.js("""
            for (const toast of document.querySelectorAll('.Toastify__toast'))
                if (/Jupyter news/.test(toast.textContent))
                    for (const b of toast.querySelectorAll('button'))
                        if (b.textContent.trim() === 'No') b.click();""")

    def notifications(self) -> list[str]:
        return self.js("return [...document.querySelectorAll('.Toastify__toast')].map(t => t.textContent.trim())")

    def menu(self, top: str, command: str) -> None:
        from selenium.webdriver.common.by import By

        [item] = [m for m in self.driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item") if m.text == top]
        item.click()
        self.driver.find_element(By.CSS_SELECTOR, f"li.lm-Menu-item[data-command='{command}']").click()

    def wait_until_run(self, what: str, timeout: float, cells: int | None = None) -> list[str]:
        """Every code cell (or the first `cells`) has its execution count and the kernel is idle.
        Fails at once when JupyterLab asks something, and when the kernel has sat idle for 10 s
        with cells neither run nor queued (a failed cell stops Run All)."""
        idle_since = [None]

        def done():
            if (text := self.dialog()) is not None:
                raise AssertionError(f"{what}: JupyterLab asked: {text}")
            prompts = self.prompts()[:cells]
            idle = self.kernel_status() == "idle"
            if prompts and idle and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
                return prompts
            if idle and "[*]:" not in prompts:
                idle_since[0] = idle_since[0] or time.monotonic()
                if time.monotonic() - idle_since[0] > 10:
                    errors = self.js(self.panel_js() + """
                        return [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type*="stderr"],'
                            + '.jp-OutputArea-output[data-mime-type*="error"]')].map(o => o.textContent.slice(0, 400))""")
                    raise AssertionError(f"{what}: the kernel is idle, and cells were not run: {prompts}; "
                                         f"error output: {errors}")
            else:
                idle_since[0] = None
            return None

        return self.wait(what, done, timeout, every=0.5)

    def shut_down_kernels(self) -> None:
        for session in self.lab.api("/api/sessions"):
            self.lab.api(f"/api/sessions/{session['id']}", method="DELETE")

    # -- what a learner sees, measured
    def measure(self) -> dict:
        """Pictures against their output areas, and sideways scrolling, in the open notebook."""
        return self.js(self.panel_js() + """
            const cells = [...panel.querySelectorAll('.jp-Cell')];
            const where = el => {
                const cell = el.closest('.jp-Cell');
                const prompt = cell && cell.querySelector('.jp-InputArea-prompt');
                return `cell ${cells.indexOf(cell) + 1} ${prompt ? prompt.textContent.trim() : ''}`;
            };
            const pictures = [], scrolling = [];
            for (const area of panel.querySelectorAll('.jp-OutputArea-output')) {
                area.scrollIntoView({block: 'center'});
                const a = area.getBoundingClientRect();
                for (const pic of area.querySelectorAll('img, svg')) {
                    if (pic.tagName.toLowerCase() === 'svg' && pic.parentElement.closest('svg')) continue;
                    const r = pic.getBoundingClientRect();
                    const kind = pic.tagName === 'IMG' ? (area.dataset.mimeType || 'img in ' + area.className) : 'inline svg';
                    pictures.push({where: where(area), kind, natural: pic.naturalWidth || null,
                                   width: Math.round(r.width), right: Math.round(r.right),
                                   areaWidth: Math.round(a.width), areaRight: Math.round(a.right),
                                   overflows: r.right > a.right + 1});
                }
                const scrollers = [area, ...[...area.querySelectorAll('*')].filter(e =>
                    ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))];
                for (const s of scrollers)
                    if (s.scrollWidth > s.clientWidth + 1)
                        scrolling.push({where: where(area), kind: area.dataset.mimeType,
                                        element: s === area ? 'output area' : s.tagName.toLowerCase(),
                                        scrollWidth: s.scrollWidth, clientWidth: s.clientWidth});
            }
            const outer = panel.querySelector('.jp-WindowedPanel-outer');
            if (outer && outer.scrollWidth > outer.clientWidth + 1)
                scrolling.push({where: 'the notebook', kind: '', element: 'notebook',
                                scrollWidth: outer.scrollWidth, clientWidth: outer.clientWidth});
            return {pictures, scrolling};""")

    def picture_css(self) -> dict:
        """For one picture of each kind: the style rules that match it and set its size, and
        its computed size properties (what a fix for pictures that do not shrink must know)."""
        return self.js(self.panel_js() + """
            const found = {};
            const rules = [];
            const walk = list => { for (const r of list) {
                if (r.cssRules && !r.selectorText) walk(r.cssRules); else if (r.selectorText) rules.push(r); } };
            for (const sheet of document.styleSheets) { try { walk(sheet.cssRules); } catch (e) {} }
            for (const area of panel.querySelectorAll('.jp-OutputArea-output')) {
                for (const pic of area.querySelectorAll('img, svg')) {
                    const kind = `${area.dataset.mimeType} ${pic.tagName.toLowerCase()} (host ${[...area.classList].filter(c => c.startsWith('jp-Rendered')).join(' ')})`;
                    if (found[kind]) continue;
                    const style = getComputedStyle(pic);
                    found[kind] = {
                        computed: Object.fromEntries(['width', 'height', 'max-width', 'min-width', 'display']
                            .map(p => [p, style.getPropertyValue(p)])),
                        rules: rules.filter(r => { try { return pic.matches(r.selectorText); } catch (e) { return false; } })
                            .filter(r => /width|height/.test(r.style.cssText)).map(r => r.cssText),
                    };
                }
            }
            return found;""")

    def screenshot_pages(self, stem: str, width: int) -> list[Path]:
        """The notebook from top to bottom, a window-height page at a time."""
        for old in SHOTS.glob(f"{stem}-{width}-p*.png"):
            old.unlink()
        self.decline_news()
        scroll = self.panel_js() + "const outer = panel.querySelector('.jp-WindowedPanel-outer');"
        self.js(scroll + "outer.scrollTop = 0;")
        shots = []
        for page in range(1, MAX_PAGES + 1):
            time.sleep(0.15)  # let the cells now in view be painted
            shots.append(self.screenshot(f"{stem}-{width}-p{page:02d}"))
            at_end = self.js(scroll + """
                if (outer.scrollTop + outer.clientHeight >= outer.scrollHeight - 2) return true;
                outer.scrollTop += Math.round(outer.clientHeight * 0.9); return false;""")
            if at_end:
                break
        return shots

    # -- the learner's steps
    def run_lesson(self, name: str) -> dict:
        if name in self.runs:
            return self.runs[name]
        run: dict = {"name": name, "failure": None}
        self.runs[name] = run
        started = time.monotonic()
        try:
            self.set_width(WIDTHS[0])
            self.open_notebook(name)
            opened = time.monotonic()
            self.menu("Run", "runmenu:run-all")
            run["prompts"] = self.wait_until_run(f"{name} to run", LESSON_TIMEOUT)
            run["seconds"] = time.monotonic() - opened
            run["outputs"] = self.js(self.panel_js() + """
                return [...panel.querySelectorAll('.jp-OutputArea-output')].map(o => ({
                    mime: o.dataset.mimeType || '', text: o.textContent.slice(0, 500)}))""")
            run["notifications"] = self.notifications()
            run["widths"] = {}
            for width in WIDTHS:
                self.set_width(width)
                measured = self.measure()
                measured["css"] = self.picture_css()
                measured["shots"] = [str(p.relative_to(ROOT)) for p in self.screenshot_pages(Path(name).stem, width)]
                run["widths"][width] = measured
            self.say(f"{name}: {run['seconds']:.0f} s to run all cells in the browser "
                     f"({time.monotonic() - started:.0f} s with opening, measuring and "
                     f"{sum(len(m['shots']) for m in run['widths'].values())} screenshots)")
        except Exception:
            run["failure"] = traceback.format_exc()
            self.say(f"{name}: FAILED after {time.monotonic() - started:.0f} s")
        finally:
            self.drain_console(name)
            try:
                self.shut_down_kernels()
            except OSError:
                pass
            self.write_report()
        return run

    def run_interrupt(self) -> dict:
        if self.interrupt is not None:
            return self.interrupt
        from selenium.webdriver.common.by import By

        result: dict = {"failure": None}
        self.interrupt = result
        started = time.monotonic()
        try:
            self.open_scratch(SCRATCH, SCRATCH_CELLS)
            self.run_first_then_start_second("the scratch notebook")
            bar = self.panel_js() + """
                const cell = panel.querySelectorAll('.jp-CodeCell')[1];
                const p = cell.querySelector('.latent-progress');
                if (!p) return null;
                const inner = p.querySelector(':scope > div > div');
                return {width: inner ? inner.style.width : null, text: p.textContent};"""
            shown = self.wait("the training's progress display", lambda: (
                (b := self.js(bar)) and re.search(r"epoch \d+, batch", b["text"]) and b), 120)
            result["progress while training"] = shown
            time.sleep(1.0)  # a little training to keep
            self.driver.find_element(
                By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command='notebook:interrupt-kernel']").click()
            clicked = time.monotonic()
            self.wait_until_run("the interrupted training cell", 120, cells=2)
            result["seconds to stop"] = time.monotonic() - clicked
            result["progress after"] = self.js(bar)
            result["train output"] = self.js(self.panel_js() + """
                return [...panel.querySelectorAll('.jp-CodeCell')[1].querySelectorAll('.jp-OutputArea-output')]
                    .map(o => o.textContent).join('\\n')""")
            self.shift_enter()  # the third cell is the active one now: m.epochs
            self.wait_until_run("m.epochs", 60, cells=3)
            result["epochs output"] = self.js(self.panel_js() + """
                return [...panel.querySelectorAll('.jp-CodeCell')[2].querySelectorAll('.jp-OutputArea-output')]
                    .map(o => o.textContent).join('\\n')""")
            self.screenshot("stop-button-1400")
            self.say(f"{SCRATCH}: stopped {result['seconds to stop']:.1f} s after the click "
                     f"({time.monotonic() - started:.0f} s in all)")
        except Exception:
            result["failure"] = traceback.format_exc()
        finally:
            self.drain_console(SCRATCH)
            try:
                self.shut_down_kernels()
            except OSError:
                pass
            self.write_report()
        return result

    def write_report(self) -> None:
        """What was seen, for reading: build/browser/report.json."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        report = {"lessons": self.runs, "stop button": self.interrupt,
                  "console": [{"where": where, **entry} for where, entry in self.console]}
        (SHOTS / "report.json").write_text(json.dumps(report, indent=1, default=str))

    def run_everything(self) -> None:
        for name in LESSONS:
            self.run_lesson(name)
        self.run_interrupt()


@pytest.fixture(scope="module")
def learner(tmp_path_factory, pytestconfig):
    chromium, chromedriver = browser_or_skip()
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def say(text: str) -> None:  # straight to the terminal, as it happens
        with capture.global_and_fixture_disabled():
            print(f"\n[browser] {text}", flush=True)

    before = repository_state()
    scratch = tmp_path_factory.mktemp("browser")
    lessons = scratch / "latent-lessons"
    lab = Lab(lab_env(scratch, lessons), free_port())
    driver = None
    try:
        lab.wait_for_url()
        driver = start_chromium(chromium, chromedriver)
        learner = Learner(lab, lessons, driver, say)
        learner.repository_before = before
        yield learner
    finally:
        if driver is not None:
            driver.quit()
        lab.stop()


# --- The tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_in_the_browser(learner, name):
    run = learner.run_lesson(name)
    assert run["failure"] is None, run["failure"]
    counts = [int(p[1:-2]) for p in run["prompts"]]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), f"cells ran out of order: {counts}"
    bad = [o for o in run["outputs"] if o["mime"] in ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error")]
    assert not bad, f"{name}: error output in the browser: {bad}"


def test_stop_button_interrupts_training_and_keeps_the_model(learner):
    result = learner.run_interrupt()
    assert result["failure"] is None, result["failure"]
    assert re.search(r"interrupted at epoch \d+, batch \d+", result["train output"]), result["train output"]
    epochs = re.search(r"[-+]?\d+(\.\d+)?", result["epochs output"])
    assert epochs and 0 < float(epochs.group()) < 500, f"m.epochs after the stop: {result['epochs output']!r}"


def test_console_has_no_severe_errors(learner):
    learner.run_everything()
    severe = [(where, entry["message"]) for where, entry in learner.console if entry.get("level") == "SEVERE"]
    left = [(where, message) for where, message in severe
            if not any(re.search(pattern, message) for pattern, _why in CONSOLE_NOISE)]
    assert not left, "SEVERE errors in the browser's console:\n" + "\n".join(f"{w}: {m}" for w, m in left)


def test_repository_is_unchanged(learner):
    learner.run_everything()
    after = repository_state()
    changed = {path: (learner.repository_before.get(path), after.get(path))
               for path in set(learner.repository_before) | set(after)
               if learner.repository_before.get(path) != after.get(path)}
    assert not changed, f"the repository changed while JupyterLab ran the lessons: {changed}"


@pytest.mark.parametrize("width", WIDTHS)
def test_pictures_fit_their_output_area(learner, width):
    problems = []
    for name in LESSONS:
        run = learner.run_lesson(name)
        if run["failure"] is not None:
            problems.append(f"{name}: did not run")
            continue
        measured = run["widths"][width]
        problems += [f"{name} {p['where']}: {p['kind']} {p['width']} px wide (natural {p['natural']}), right edge "
                     f"{p['right']} > its output area's {p['areaRight']} (area {p['areaWidth']} px wide)"
                     for p in measured["pictures"] if p["overflows"]]
        problems += [f"{name} {s['where']}: {s['kind']} {s['element']} scrolls sideways "
                     f"(scrollWidth {s['scrollWidth']} > clientWidth {s['clientWidth']})"
                     for s in measured["scrolling"]]
    assert not problems, f"at {width} px:\n" + "\n".join(problems)


def test_interrupted_progress_bar_shows_how_far_training_got(learner):
    result = learner.run_interrupt()
    assert result["failure"] is None, result["failure"]
    after = result["progress after"]
    assert after and after["width"], f"no progress bar after the stop: {after}"
    percent = float(after["width"].rstrip("%"))
    assert 0 < percent < 100, f"the stopped training's bar shows {after['width']}: {after['text']!r}"


# --- explore: Jupyter widgets in the browser ----------------------------------------------------

EXPLORE_NOTEBOOK = "scratch-explore.ipynb"
EXPLORE_CELLS = [
    "data = mnist train 2000 test 200\nmodel ae:\n    dense 64 relu\n    latent 4\n    dense 784 sigmoid\n"
    "train ae on data epochs 2 batch 50",
    "explore ae",
]
# The bytes of the explore panel's picture, read from the page (its src is a blob: URL).
PICTURE_BYTES_JS = """
    const done = arguments[arguments.length - 1];
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const img = panel && panel.querySelector('.jp-OutputArea-output img.widget-image');
    if (!img || !img.src) { done(null); return; }
    fetch(img.src).then(r => r.arrayBuffer()).then(b => {
        const bytes = new Uint8Array(b); let hex = '';
        for (let i = 0; i < bytes.length; i++) hex += bytes[i].toString(16).padStart(2, '0');
        done(hex);
    }).catch(e => done('error: ' + e));"""


def run_explore(learner) -> dict:
    """Runs an explore cell in a scratch notebook, drags its first slider as a learner would, and
    reads the picture's bytes before and after."""
    if getattr(learner, "explore", None) is None:
        learner.explore = run_panel(learner, EXPLORE_NOTEBOOK, EXPLORE_CELLS, sliders=5, shot="explore-1400")
    return learner.explore


def run_panel(learner, notebook: str, cells: list[str], *, sliders: int, shot: str) -> dict:
    """Runs `cells` in a scratch notebook, waits for the last one's panel and its `sliders`,
    drags the first slider and lets go, and reads the picture's bytes (hex) before and after and
    the picture's natural size once it changed."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    result: dict = {"failure": None}
    try:
        learner.open_scratch(notebook, cells)
        learner.driver.find_element(
            By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt").click()
        for _ in cells:
            ActionChains(learner.driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
        learner.wait_until_run(f"the notebook {notebook}", 300, cells=len(cells))
        selector = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .widget-hslider"
        learner.wait("the panel's sliders",
                     lambda: len(learner.driver.find_elements(By.CSS_SELECTOR, selector)) >= sliders, 60)
        result["sliders"] = learner.js(f"""
            return [...document.querySelectorAll('{selector}')].map(s => s.innerText.replace(/\\s+/g, ' ').trim())""")
        result["before"] = learner.wait("the picture's bytes", lambda: learner.driver.execute_async_script(PICTURE_BYTES_JS), 30)
        handle = learner.driver.find_elements(By.CSS_SELECTOR, selector + " .noUi-handle")[0]
        learner.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", handle)
        ActionChains(learner.driver).click_and_hold(handle).move_by_offset(40, 0).move_by_offset(60, 0).release().perform()
        result["after"] = learner.wait("the picture to change", lambda: (
            (b := learner.driver.execute_async_script(PICTURE_BYTES_JS)) and b != result["before"] and b), 60)
        result["readouts"] = learner.js(f"""
            return [...document.querySelectorAll('{selector} .widget-readout')].map(r => r.textContent.trim())""")
        result["natural"] = learner.wait("the new picture to be drawn", lambda: learner.js("""
            const img = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) img.widget-image');
            return img && img.complete && img.naturalWidth ? [img.naturalWidth, img.naturalHeight] : null"""), 30)
        result["shot"] = str(learner.screenshot(shot))
    except Exception:
        result["failure"] = traceback.format_exc()
        learner.screenshot(shot + "-failed")
    finally:
        learner.drain_console(notebook)
        result["console"] = [entry for where, entry in learner.console if where == notebook]
        try:
            learner.shut_down_kernels()
        except OSError:
            pass
    return result


def test_explore_slider_redraws_the_digit_in_the_browser(learner):
    result = run_explore(learner)
    assert result["failure"] is None, result["failure"]
    assert len(result["sliders"]) == 5, f"4 code sliders and the test digit picker: {result['sliders']}"
    assert result["before"].startswith("89504e47") and result["after"].startswith("89504e47"), "PNG pictures"
    assert result["after"] != result["before"]


def test_explore_leaves_no_errors_in_the_browser_console(learner):
    result = run_explore(learner)
    assert result["failure"] is None, result["failure"]
    # Errors, and warnings from the widget manager (a model it could not make, a bad message).
    severe = [entry["message"] for entry in result["console"]
              if (entry.get("level") == "SEVERE"
                  or (entry.get("level") == "WARNING" and re.search(r"widget|comm|model", entry["message"], re.I)))
              and not any(re.search(pattern, entry["message"]) for pattern, _why in CONSOLE_NOISE)]
    assert not severe, "the browser's console while exploring:\n" + "\n".join(severe)


def test_tsne_perplexity_slider_redraws_the_map_in_the_browser(learner):
    """`embed ... tsne`: the perplexity slider, let go, draws a new SVG map that the browser shows."""
    result = run_panel(
        learner, "scratch-tsne.ipynb", ["data = mnist train 100 test 300", "embed data.test[0:300] tsne"],
        sliders=1, shot="tsne-1400")
    assert result["failure"] is None, result["failure"]
    assert len(result["sliders"]) == 1 and result["sliders"][0].startswith("perplexity"), result["sliders"]
    svg = "3c737667"  # "<svg"
    assert result["before"].startswith(svg) and result["after"].startswith(svg), "SVG pictures"
    assert result["after"] != result["before"]
    assert result["readouts"][0] != "30.00", f"the slider moved: {result['readouts']}"
    assert result["natural"][0] >= 400, f"the browser drew the SVG map: {result['natural']}"



LIVE_SCRATCH = "scratch-live-train.ipynb"
LIVE_CELLS = [
    "data = mnist train 6000 test 1000\nmodel flat:\n    dense 64 relu\n    latent 2\n    dense 784 sigmoid",
    "train flat on data epochs 150",  # some 15 s on 2 cores: long enough to look at it twice
]


def test_live_training_chart_grows_between_two_screenshots(learner):
    """A learner runs a long `train` and looks at its live display twice while it trains: the
    loss chart has more points (the train line, and a test point after each epoch) the second
    time, the digit strip and the code map are there, and the browser's console stays clean."""
    try:
        learner.open_scratch(LIVE_SCRATCH, LIVE_CELLS)
        learner.run_first_then_start_second("the live notebook")
        look = learner.panel_js() + """
            const cell = panel.querySelectorAll('.jp-CodeCell')[1];
            const live = cell.querySelector('.latent-live');
            if (!live) return null;
            cell.scrollIntoView({block: 'start'});
            const svgs = [...live.querySelectorAll('svg')];
            const chart = svgs.find(s => /as it trains/.test(s.querySelector('title')?.textContent || ''));
            if (!chart) return null;
            const points = [...chart.querySelectorAll('polyline')]
                .map(p => p.getAttribute('points').trim().split(/\\s+/).length);
            const r = chart.getBoundingClientRect();
            return {points: points.reduce((a, b) => a + b, 0), lines: points.length,
                    chartWidth: Math.round(r.width), strip: !!live.querySelector('img[src^="data:image/png"]'),
                    map: svgs.some(s => /codes of 500/.test(s.querySelector('title')?.textContent || '')),
                    line: cell.querySelector('.latent-progress').textContent.slice(0, 200)};"""
        first = learner.wait("the live chart with a test point", lambda: (
            (x := learner.js(look)) and x["lines"] >= 2 and x), 120)
        learner.screenshot("live-train-1")
        time.sleep(3.0)
        second = learner.js(look)
        learner.screenshot("live-train-2")
        learner.say(f"{LIVE_SCRATCH}: the chart had {first['points']} points, then {second['points']} "
                    f"3 s later; {second['line'][:80]!r}")
        learner.wait_until_run("the live training cell", 300, cells=2)
        final = learner.js(look)
        # Its last state fits a narrow window too: nothing wider than its output area.
        learner.set_width(WIDTHS[1])
        narrow = learner.measure()
        learner.js(look)  # back to the display
        time.sleep(0.3)
        learner.screenshot(f"live-train-done-{WIDTHS[1]}")
        assert second["points"] > first["points"], (first, second)
        assert first["strip"] and first["map"], first
        assert final and "done" in final["line"] and final["strip"] and final["map"], final
        assert not [p for p in narrow["pictures"] if p["overflows"]] and not narrow["scrolling"], narrow
    finally:
        learner.drain_console(LIVE_SCRATCH)
        try:
            learner.shut_down_kernels()
        except OSError:
            pass
    severe = [entry["message"] for where, entry in learner.console
              if where == LIVE_SCRATCH and entry.get("level") == "SEVERE"]
    assert not severe, severe
