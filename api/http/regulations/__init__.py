"""The two texts, as published (NX: 宁夏回族自治区商务厅办法; XX: 息县办法, 息政办〔2021〕43号), for
quoting an article where the pages cite it (:mod:`api.http.article_texts`)."""
