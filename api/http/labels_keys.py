"""The words of the browser-key pages (issue 19 point 1): enrolment, requests, sign-in by challenge.
Chinese first, English second, as in :mod:`api.http.labels`."""

from __future__ import annotations

KEYS: dict[str, tuple[str, str]] = {
    "keys": ("我的密钥", "My keys"),
    "keys_intro": (("您的每一次操作都由您自己的密钥签名。浏览器中的密钥由浏览器生成并保存，私钥不能导出，"
                   "服务器从不接触私钥。"),
                   ("Every act of yours is signed with your own key. A browser key is made and kept by the "
                   "browser: its private half cannot be exported, and the server never sees it.")),
    "my_keys": ("账本中登记的我的密钥", "My keys in the ledger"),
    "fingerprint": ("指纹", "Fingerprint"),
    "state": ("状态", "State"),
    "since": ("生效时间", "Active from"),
    "until": ("失效时间", "Until"),
    "proposed_by": ("提议人", "Proposed by"),
    "confirmed_by": ("确认人", "Confirmed by"),
    "in_this_browser": ("本浏览器中", "in this browser"),
    "state_none": ("尚未添加到账本", "not yet added to the ledger"),
    "state_pending": ("待确认（须第二位管理员确认）", "pending (a second administrator must confirm it)"),
    "state_active": ("有效", "active"),
    "state_ended": ("已失效", "ended"),
    "browser_key": ("本浏览器的密钥", "This browser's key"),
    "no_browser_key": ("本浏览器中还没有您的密钥。", "This browser holds no key of yours yet."),
    "make_key": ("在本浏览器中生成密钥", "Make a key in this browser"),
    "held_here": ("本浏览器中已保存此人员的一把密钥。在此生成新密钥会替换它：若那把密钥仍有效，请不要继续。",
                  ("This browser already keeps a key of this person's. Making a new one here replaces it: do not go "
                  "on if that key is still active.")),
    "made_key": ("已在本浏览器中生成密钥，指纹：", "A key was made in this browser; its fingerprint:"),
    "consent_title": ("用已有的密钥同意添加（本人同意，立即生效）", "Add it with a key you already hold (your consent, active at once)"),
    "consent_cli": (("如果您持有命令行密钥文件（例如初始化时生成的管理员密钥），在命令行运行下面的命令，"
                    "用它签署“添加密钥”，本浏览器的密钥即时生效，无需他人确认："),
                    ("If you hold a key file for the command line (such as an administrator's key made by init), "
                    "run this command: it signs principal.add_key with that key, and this browser's key is "
                    "active at once, without anyone else:")),
    "consent_cli_note": ("把 YOUR.pem 换成您的密钥文件。命令执行成功后刷新本页。",
                         "Replace YOUR.pem with your key file. Reload this page once it succeeds."),
    "other_computer": ("为另一台电脑添加密钥", "Add a key for another computer"),
    "other_computer_intro": (("在这里生成一次性链接，在另一台电脑的浏览器中打开它生成密钥；"
                             "回到“密钥申请”页核对指纹，用本浏览器的密钥签名同意，新密钥即时生效。"),
                             ("Make a one-time link here and open it in the other computer's browser, which makes "
                             "a key; then, on the requests page, compare the fingerprint and consent with this "
                             "browser's key: the new key is active at once.")),
    "make_link": ("生成一次性链接", "Make a one-time link"),
    # the command itself follows in <code> on the pages
    "sm2_note": (("持有 SM2 密钥（国密）的人员暂时不能在浏览器中签名，浏览器支持将在以后提供；"
                 "在此之前请继续用命令行客户端签署和登录："),
                 ("Persons holding SM2 keys cannot sign in the browser yet; until a browser path exists, keep "
                 "signing and signing in with the command-line client:")),
    "invitations": ("密钥登记邀请", "Key enrolment invitations"),
    "invitations_intro": (("为已登记的人员发出一次性邀请链接（24 小时内有效，只能使用一次）。"
                          "本人在自己的浏览器中打开链接生成密钥，并把屏幕上的指纹当面或电话念给管理员。"),
                          ("Issue a one-time link (valid 24 hours, usable once) for a registered person. They open "
                          "it in their own browser, which makes a key, and read its fingerprint out to the "
                          "administrators in person or by phone.")),
    "find_person": ("查找人员（姓名或工号）", "Find a person (name or staff number)"),
    "find": ("查找", "Find"),
    "name": ("姓名", "Name"),
    "unit": ("单位", "Unit"),
    "identifier": ("工号", "Staff number"),
    "invite": ("发出邀请", "Invite"),
    "invitation_made": ("邀请链接（只显示这一次，请通过可信渠道交给本人）：",
                        "The invitation link (shown this once: give it to the person through a trusted channel):"),
    "expires": ("有效期至", "Expires"),
    "open_invitations": ("尚未使用的邀请", "Invitations not yet used"),
    "issued_by": ("发出人", "Issued by"),
    "none": ("暂无", "None"),
    "enrol": ("登记浏览器密钥", "Enrol a browser key"),
    "enrol_for": ("为以下人员登记本浏览器的密钥：", "Enrol this browser's key for:"),
    "enrol_intro": (("点击下面的按钮，浏览器会生成一把只属于您的密钥（私钥不能导出，也不会发送给服务器），"
                    "并签署持有证明。"), ("Press the button: the browser makes a key of yours alone (its private "
                    "half cannot be exported and is never sent) and signs its proof of possession.")),
    "enrol_sent": ("已提交。请把下面的指纹念给管理员核对：", "Sent. Read this fingerprint out to the administrators:"),
    "enrol_next": ("两位管理员核对指纹并先后签名（一人提议、另一人确认）后，这把密钥生效，您即可在本浏览器登录。",
                   ("Once two administrators have compared the fingerprint and signed — one proposes, another "
                   "confirms — the key is active and you can sign in from this browser.")),
    "requests": ("密钥申请", "Key requests"),
    "requests_intro": (("浏览器提交的密钥在签名之前不会生效。管理员添加他人的密钥须双人控制："
                       "第一位管理员签署“添加密钥”（提议，待确认），第二位管理员签署“确认密钥”。"
                       "确认人必须是另一位管理员，既不能是提议人，也不能是本人；"
                       "签名前请务必与本人核对指纹（当面或电话，逐组念出），指纹不一致绝不能签。"
                       "本人为自己的另一台电脑添加密钥时，用已有的密钥签名同意，即时生效。"),
                       ("A key sent by a browser does nothing until it is signed. An administrator adding someone's "
                       "key is under dual control: the first signs principal.add_key (a proposal, pending), a "
                       "second signs principal.confirm_key. The confirmer must be another administrator — neither "
                       "the proposer nor the person; compare the fingerprint with the person first (in person or "
                       "by phone, group by group) and never sign if it differs. A person adding a key for another "
                       "computer consents with a key they already hold: active at once.")),
    "person": ("人员", "Person"),
    "requested_at": ("提交时间", "Sent"),
    "propose": ("核对指纹无误，签名提议添加", "Fingerprint checked: sign the proposal to add it"),
    "confirm": ("核对指纹无误，签名确认（第二位管理员）", "Fingerprint checked: sign the confirmation (second administrator)"),
    "consent": ("核对指纹无误，用本浏览器的密钥同意添加", "Fingerprint checked: consent with this browser's key"),
    "wait_second": ("已由您提议，须由另一位管理员确认。", "You proposed it: another administrator must confirm it."),
    "wait_admin": ("等待管理员签名。", "Waiting for the administrators to sign."),
    "done": ("已生效", "Active"),
    "no_key_here": ("本浏览器中没有您的有效密钥，不能在此签名：请先在“我的密钥”页登记本浏览器的密钥，或使用命令行客户端签署。",
                    ("This browser holds no active key of yours to sign with: enrol one on the My keys page first, "
                    "or sign with the command-line client.")),
    "you_sign": ("您将签署：", "You are about to sign:"),
    "signed_ok": ("已签名并记录。", "Signed and recorded."),
    "signin_key": ("用本浏览器中的密钥登录", "Sign in with a key kept in this browser"),
    "signin_key_none": ("本浏览器中没有为本账本保存的密钥。收到密钥登记邀请的人员请先打开邀请链接。",
                        "This browser keeps no key for this ledger. If you were invited, open your invitation link first."),
    "signin_key_as": ("用本浏览器中的密钥登录：", "Sign in with this browser's key:"),
    "signin_token_title": ("用命令行客户端签发的令牌登录", "Sign in with a token from the command-line client"),
    # issue 19 — forms2: revoking a key from the page (the person themself or an administrator)
    "actions": ("操作", "Action"),
    "revoke": ("吊销", "Revoke"),
    "withdraw": ("撤回（尚未生效）", "Withdraw (not yet active)"),
    "revoke_reason": ("吊销理由", "Reason for revoking"),
    "revoke_intro": (("密钥丢失、电脑更换或人员不再使用时，本人或系统管理员可以吊销密钥：用本浏览器中您自己的密钥签署"
                      "“吊销密钥”，自签署时起该密钥签署的任何内容都不被接受，用它开始的登录也随之结束。"
                      "吊销只需一人签名（只减少权限）；添加他人的密钥才需要两位管理员。"),
                     ("When a key is lost, a computer replaced or a key no longer used, the person or an "
                      "administrator revokes it, signing principal.revoke_key with their own browser key: nothing it "
                      "signs from then on is accepted, and sessions begun with it end. One signature suffices (it "
                      "only takes authority away); adding someone's key takes two administrators.")),
    "revoke_reason_needed": ("请填写吊销理由。", "State why the key is revoked."),
    "revoke_this_browser": ("这是本浏览器中的密钥：吊销后须用其他有效密钥重新登录。",
                            "This is the key kept in this browser: once it is revoked, sign in with another key."),
    "keys_of": ("的密钥", "'s keys"),
    "view_keys": ("查看密钥", "Keys"),
}
