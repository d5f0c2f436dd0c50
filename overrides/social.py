"""Open Graph and Twitter card meta tags for a page: what a link preview shows.

Open Graph: https://ogp.me/ (og:title, og:type, og:image, og:url required; og:image:*
structured properties); Twitter/X reads og:* and needs twitter:card of its own
(https://developer.x.com/en/docs/x-for-websites/cards/overview/markup). The values are plain text; the template escapes each one into its attribute
(overrides/main.html), since titles and summaries come from rule files.
"""

from __future__ import annotations

from urllib.parse import urljoin

from overrides.plaintext import plain_text

__all__ = ["CARD", "CARD_SIZE", "meta_tags"]

# The site's card image (tools/make_artwork.py draws it): PNG, as the big platforms need, at their 1.91:1.
CARD = "assets/errata/card.png"
CARD_SIZE = (1200, 630)


def meta_tags(*, title: str, description: str, site_name: str, url: str | None, site_url: str | None,
              article: bool) -> list[tuple[str, str, str]]:
    """(attribute, name, content) for each tag: `property` for Open Graph, `name` for Twitter.

    `description` is Markdown (a rule's summary) or text; `url` is the page's absolute
    address. Without a site_url there is no absolute address, so no og:url and no image.
    """
    tags = [
        ("property", "og:type", "article" if article else "website"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", plain_text(title)),
        ("property", "og:description", plain_text(description)),
    ]
    if url:
        tags.append(("property", "og:url", url))
    if site_url:
        width, height = CARD_SIZE
        tags += [
            ("property", "og:image", urljoin(site_url, CARD)),
            ("property", "og:image:type", "image/png"),
            ("property", "og:image:width", str(width)),
            ("property", "og:image:height", str(height)),
            ("property", "og:image:alt", f"{site_name}: fixes for network, TLS and API errors"),
        ]
    tags.append(("name", "twitter:card", "summary_large_image" if site_url else "summary"))
    return tags
