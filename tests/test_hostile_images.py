"""Images come only from inside the project: no absolute paths, ``..``, ``~``, symlinks out,
``file:``/``ftp:`` URLs, cloud-metadata addresses or percent-encoded escapes; a project image
is embedded (also under a name with spaces or accents); an oversized, damaged or linking image
is a located error before any rendering. Remote images: test_remote_images.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import assert_clean_error, brief_yaml, run_cli, section_md
from hostile_project import BASE, PNG, build_html, data_uri, secret_leaks, tiny_png

pytestmark = pytest.mark.usefixtures("no_font_subsetting")


REFUSED_SOURCES = [
    pytest.param("/etc/passwd", "outside the project", id="absolute-path"),
    pytest.param("../../../secret.png", "outside the project", id="dotdot-out-of-the-project"),
    pytest.param("../../../outside/secret.png", "outside the project", id="dotdot-into-a-sibling-folder"),
    pytest.param("~/secret.png", "outside the project", id="home-folder"),
    pytest.param("file:///etc/passwd", "outside the project", id="file-url"),
    pytest.param("FILE:///etc/passwd", "outside the project", id="file-url-upper-case"),
    pytest.param("ftp://127.0.0.1/secret.png", "outside the project", id="ftp-url"),
    pytest.param("C:/secret.png", "outside the project", id="windows-drive"),
    pytest.param("http://169.254.169.254/latest/meta-data/", "remote images are off", id="cloud-metadata-ip"),
    pytest.param("http://metadata.google.internal/computeMetadata/v1/", "remote images are off", id="gcp-metadata-host"),
]


@pytest.mark.parametrize(("src", "message"), REFUSED_SOURCES)
def test_image_outside_the_project_is_a_located_error(make_project: Callable[..., Path], outside: Path, src: str,
                                                      message: str) -> None:
    body = f"Fine.\n\n![picture]({src})\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body)}, name="project")
    assert project.parent == outside.parent, "'../../../' from briefs/sections/ reaches the secrets' folder"
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{src}'", message)
    assert not (project / "output" / "b--press.html").exists()


def test_image_in_manifest_markdown_cannot_climb_out(make_project: Callable[..., Path], outside: Path) -> None:
    """Images in a manifest's Markdown resolve against briefs/, so '../../' already leaves the project."""
    manifest = "title: T\nsummary: |\n  Summary text.\n\n  ![s](../../outside/secret.png)\nsections:\n  - one\n"
    project = make_project({**BASE, "briefs/b.yaml": manifest}, name="project")
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/b.yaml:5:", "image '../../outside/secret.png'", "outside the project")


def test_symlinked_image_pointing_out_is_refused(make_project: Callable[..., Path], outside: Path) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Fine.\n\n![logo](logo.png)\n")})
    (project / "briefs/sections/logo.png").symlink_to(outside / "secret.png")
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'logo.png'", "outside the project")
    assert not (project / "output").exists() or all(secret_leaks(p) == [] for p in (project / "output").iterdir() if p.is_file())


def test_image_through_a_symlinked_folder_pointing_out_is_refused(make_project: Callable[..., Path],
                                                                  outside: Path) -> None:
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Fine.\n\n![secret](assets/secret.png)\n")},
                           name="project")
    (project / "briefs/sections/assets").symlink_to(outside, target_is_directory=True)
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'assets/secret.png'", "outside the project")


def test_image_inside_the_project_is_embedded(make_project: Callable[..., Path]) -> None:
    """The control for the refusals above: a real project image, also reached through an inner symlink."""
    body = "![a](img/a.png)\n\n![b](b.png)\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body), "briefs/sections/img/a.png": PNG})
    (project / "briefs/sections/b.png").symlink_to(project / "briefs/sections/img/a.png")
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    html = (project / "output/b--press.html").read_text(encoding="utf-8")
    assert html.count(f'src="{data_uri(PNG)}"') == 2


def test_image_file_names_with_spaces_and_accents_are_found(make_project: Callable[..., Path]) -> None:
    """markdown-it percent-encodes a link destination; the file on disk has the plain name."""
    body = "![a](<my chart.png>)\n\n![b](café.png)\n"
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", body),
                            "briefs/sections/my chart.png": PNG, "briefs/sections/café.png": PNG})
    result = build_html(project, "-a", "press")
    assert result.exit_code == 0, result.output
    assert (project / "output/b--press.html").read_text(encoding="utf-8").count(data_uri(PNG)) == 2


@pytest.mark.parametrize("src", ["%2e%2e/%2e%2e/%2e%2e/secret.png", "..%2F..%2F..%2Fsecret.png",
                                 "%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.png", "img/..%2f..%2f..%2f..%2fsecret.png"])
def test_percent_encoded_escape_is_never_loaded(make_project: Callable[..., Path], outside: Path, src: str) -> None:
    """However the path is decoded, the check must apply to what is finally read."""
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", f"Text.\n\n![x]({src})\n"),
                            "briefs/sections/img/a.png": PNG}, name="project")
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image '")
    assert not (project / "output/b--press.html").exists()


def test_oversized_project_image_is_a_located_error(make_project: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("briefgen.render.resources.MAX_IMAGE_BYTES", len(PNG) - 1)
    project = make_project({**BASE, "briefs/sections/one.md": section_md("One", "Text.\n\n![a](a.png)\n"),
                            "briefs/sections/a.png": PNG})
    result = build_html(project, "-a", "press")
    assert_clean_error(result, "briefs/sections/one.md:6:", "image 'a.png' is larger than")


@pytest.mark.parametrize(("name", "data", "fragment"), [
    pytest.param("broken.png", b"\x89PNG\r\n\x1a\nnot really a png", "cannot be read as an image", id="damaged-png"),
    pytest.param("named.jpg", b"GIF89a-but-truncated", "cannot be read as an image", id="wrong-content"),
    pytest.param("linking.svg", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 b'<image xlink:href="file:///etc/passwd"/></svg>', "refers to another file or site", id="svg-file-link"),
    pytest.param("styled.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://127.0.0.1/x.css);'
                 b'</style></svg>', "refers to another file or site", id="svg-import"),
])
def test_a_bad_image_is_a_located_error_before_any_rendering(make_project: Callable[..., Path], name: str, data: bytes,
                                                               fragment: str) -> None:
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", f"Text.\n\n![A picture]({name})\n"),
                            f"briefs/sections/{name}": data})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert_clean_error(result, "briefs/sections/one.md:6:", f"image '{name}' {fragment}")


def test_a_self_contained_svg_and_a_good_png_are_embedded(make_project: Callable[..., Path]) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    project = make_project({"briefs/b.yaml": brief_yaml(["one"]),
                            "briefs/sections/one.md": section_md("One", "![A square](square.svg) ![A dot](dot.png)\n"),
                            "briefs/sections/square.svg": svg, "briefs/sections/dot.png": tiny_png()})
    result = run_cli(["build", "-f", "html", "-a", "press"], cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "b--press.html").read_text(encoding="utf-8")
    assert 'src="data:image/svg+xml;base64,' in html and 'src="data:image/png;base64,' in html
