"""Knowledge sources: the text of web pages and documents, turned into knowledge-base entries
(docs/knowledge.md). Extraction is CPU-bound and runs in a worker process, never on the
event loop: the functions here take and return plain, picklable values."""
