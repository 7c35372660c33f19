"""Templates are compiled once per machine, not once per process."""

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader

from app.mail.compose_base import bytecode_cache, template_env


def _fresh_env(cache: FileSystemBytecodeCache, folder) -> Environment:
    """Return an environment like a new process's, on FOLDER's templates."""
    return Environment(loader=FileSystemLoader(folder), bytecode_cache=cache)


def test_a_new_process_loads_compiled_templates_and_compiles_an_edited_one(tmp_path):
    cache = FileSystemBytecodeCache(str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "t.txt").write_text("Kære {{ name }}")
    assert _fresh_env(cache, tmp_path).get_template("t.txt").render(name="Ib") == "Kære Ib"

    later = _fresh_env(cache, tmp_path)
    compiled = []
    original = later.compile
    later.compile = lambda *args, **kwargs: compiled.append(args) or original(*args, **kwargs)
    assert later.get_template("t.txt").render(name="Ib") == "Kære Ib"
    assert compiled == []  # loaded as compiled

    (tmp_path / "t.txt").write_text("Hej {{ name }}")
    edited = _fresh_env(cache, tmp_path)
    assert edited.get_template("t.txt").render(name="Ib") == "Hej Ib"


def test_mail_and_pages_share_the_cache(app):
    assert bytecode_cache() is not None
    assert template_env().bytecode_cache is bytecode_cache()
    assert app.jinja_env.bytecode_cache is bytecode_cache()
