"""Article extraction: HTML page in, text and metadata out; no Django, no network."""

from newsdesk.extract.core import ExtractError, extract_article
from newsdesk.extract.types import Embed, ExtractedArticle, Metadata, Related

__all__ = ["Embed", "ExtractError", "ExtractedArticle", "Metadata", "Related", "extract_article"]
