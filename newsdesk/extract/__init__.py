"""Article extraction: HTML page in, text and metadata out; no Django, no network."""

from newsdesk.extract.core import ExtractError, ExtractedArticle, extract_article

__all__ = ["ExtractError", "ExtractedArticle", "extract_article"]
